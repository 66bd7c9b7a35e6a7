package io.vigil.job.rules;

import io.vigil.common.Reading;
import java.io.Serializable;

/**
 * One alerting rule: which series it watches ({@code metric}, device and zone globs), what it watches for
 * ({@code condition}) and how its alerts read ({@code severity}, {@code summary}, {@code description} templates with
 * {@code {device}}-style placeholders, see {@link io.vigil.job.detect.AlertText}).
 */
public record Rule(
        String id,
        String metric,
        Glob devices,
        Glob zones,
        Condition condition,
        String severity,
        String summary,
        String description) implements Serializable {

    public boolean matches(Reading reading) {
        return metric.equals(reading.metric()) && devices.matches(reading.deviceId()) && zones.matches(reading.zone());
    }
}

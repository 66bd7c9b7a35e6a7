package io.vigil.job.rules;

import io.vigil.common.Reading;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One alerting rule: which series it watches ({@code metric}, device and zone globs), which detectors watch them
 * ({@code conditions}, merged by the incident lifecycle) and how its alerts read ({@code severity},
 * {@code summary}, {@code description} templates with {@code {device}}-style placeholders, see
 * {@link io.vigil.job.detect.AlertText}).
 *
 * @param department    who handles its incidents, or null to look the zone up in the file's {@code departments}
 * @param escalateAfter an unacknowledged ALARM is re-notified with a higher escalation level this often; null = never
 */
public record Rule(
        String id,
        String metric,
        Glob devices,
        Glob zones,
        List<Condition> conditions,
        String severity,
        String summary,
        String description,
        String department,
        Duration escalateAfter) implements Serializable {

    public Rule {
        conditions = List.copyOf(conditions);
    }

    /** A single-detector rule without department or escalation. */
    public Rule(String id, String metric, Glob devices, Glob zones, Condition condition, String severity,
                String summary, String description) {
        this(id, metric, devices, zones, List.of(condition), severity, summary, description, null, null);
    }

    /** A rule's {@code metric} that matches every metric (e.g. the default anomaly rule). */
    public static final String ANY_METRIC = "*";

    public boolean matches(Reading reading) {
        return (metric.equals(ANY_METRIC) || metric.equals(reading.metric())) && devices.matches(reading.deviceId())
                && zones.matches(reading.zone());
    }

    /** This rule's detector of the given kind, or null. */
    public <C extends Condition> C condition(Class<C> kind) {
        for (Condition c : conditions) {
            if (kind.isInstance(c)) {
                return kind.cast(c);
            }
        }
        return null;
    }

    public boolean has(String kind) {
        for (Condition c : conditions) { // per signal in the lifecycle: no stream pipeline on the hot path
            if (c.kind().equals(kind)) {
                return true;
            }
        }
        return false;
    }

    public Threshold threshold() {
        return condition(Threshold.class);
    }

    /** How long an ALARM level must hold before ALARM: the threshold's {@code for}, else the anomaly's, else 0. */
    public Duration holdFor() {
        Threshold t = threshold();
        Anomaly a = condition(Anomaly.class);
        return t != null ? t.holdFor() : a != null ? a.holdFor() : Duration.ZERO;
    }

    public Duration clearFor() {
        Threshold t = threshold();
        if (t != null) {
            return t.clearFor();
        }
        Anomaly a = condition(Anomaly.class);
        if (a != null) {
            return a.clearFor();
        }
        GroupAnomaly g = condition(GroupAnomaly.class);
        if (g != null) {
            return g.clearFor();
        }
        SiteWarning w = condition(SiteWarning.class);
        return w == null ? Duration.ZERO : w.clearFor();
    }

    /** True if a detector can raise a PRE_WARNING (a threshold's warn level, a forecast, a warning rate). */
    public boolean warns() {
        for (Condition c : conditions) {
            if (c instanceof Threshold t && t.hasWarn() || c instanceof PredictedCrossing
                    || c instanceof RateOfChange r && !r.alarm() || c instanceof Anomaly a && a.warn() != null) {
                return true;
            }
        }
        return false;
    }

    /** Which side is bad for the peak of a report: the threshold's or forecast's direction, else above. */
    public Direction direction() {
        Threshold t = threshold();
        if (t != null) {
            return t.direction();
        }
        PredictedCrossing f = condition(PredictedCrossing.class);
        return f != null ? f.direction() : Direction.ABOVE;
    }
}

package io.vigil.sim;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vigil.common.serde.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * What one device sends for one measurement, before encoding: Vigil's plain JSON reading. {@code time} is the
 * event time in epoch milliseconds.
 */
@JsonPropertyOrder({"metric", "value", "unit", "time", "zone", "site"})
public record DeviceReading(String metric, double value, String unit, long time, String zone, String site) {

    public DeviceReading {
        Objects.requireNonNull(metric, "metric");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be a finite number, got " + value);
        }
    }

    public static DeviceReading of(Measurement m, long time, String zone, String site) {
        return new DeviceReading(m.metric(), m.value(), m.unit(), time, zone, site);
    }

    /** The payload bytes in {@code format}; {@code deviceId} names the SenML base name. */
    public byte[] encode(PayloadFormat format, String deviceId) {
        try {
            return switch (format) {
                case JSON -> Json.mapper().writeValueAsBytes(this);
                case SENML_JSON -> Json.mapper().writeValueAsBytes(List.of(new SenmlRecord(
                        deviceId + "/", BigDecimal.valueOf(time, 3), metric, unit, value)));
            };
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + this, e);
        }
    }

    /**
     * One SenML record with base name and base time. The base time is written as exact decimal seconds
     * ({@code 1764300000.123}) rather than a double, which would print as {@code 1.764300000123E9}.
     */
    @JsonPropertyOrder({"bn", "bt", "n", "u", "v"})
    record SenmlRecord(String bn, BigDecimal bt, String n, String u, double v) {}
}

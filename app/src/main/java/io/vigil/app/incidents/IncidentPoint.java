package io.vigil.app.incidents;

import java.util.Map;

/**
 * One point of the InfluxDB measurement {@code incidents}: one phase transition of one incident. Tags rule, zone,
 * device, phase, incident; fields value, limit, severity, summary, and on the CLOSED point the report fields
 * ({@link IncidentReportFields}).
 *
 * @param time   event time of the transition (epoch ms)
 * @param values every column of the row (tags and fields) by name; absent ones are missing
 */
public record IncidentPoint(long time, Map<String, Object> values) {
    public String incident() {
        return text("incident");
    }

    public String phase() {
        return text("phase");
    }

    public String rule() {
        return text("rule");
    }

    public String zone() {
        return text("zone");
    }

    public String device() {
        return text("device");
    }

    public String severity() {
        return text("severity");
    }

    public String summary() {
        return text("summary");
    }

    public Double value() {
        return number("value");
    }

    public Double limit() {
        return number("limit");
    }

    public String text(String name) {
        Object v = values.get(name);
        return v == null ? null : v.toString();
    }

    public Double number(String name) {
        return values.get(name) instanceof Number n ? n.doubleValue() : null;
    }

    public Long whole(String name) {
        return values.get(name) instanceof Number n ? Math.round(n.doubleValue()) : null;
    }
}

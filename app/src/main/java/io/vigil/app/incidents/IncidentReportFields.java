package io.vigil.app.incidents;

import io.vigil.common.incident.IncidentReport;
import java.util.Arrays;
import java.util.List;

/**
 * The report on the CLOSED point of an incident: {@link IncidentReport}'s components in snake_case as InfluxDB
 * fields (e.g. {@code lead_time_ms}, {@code acknowledged_by}); {@code devices} is one comma-separated string since
 * InfluxDB has no lists. Where a component is also a tag (incident, rule, device, zone) the tag is the fallback.
 */
public final class IncidentReportFields {
    private IncidentReportFields() {}

    /** The report on this point, or null if it carries none (not CLOSED, or written without one). */
    public static IncidentReport of(IncidentPoint p) {
        if (!"CLOSED".equals(p.phase()) || p.whole("closed_at") == null) {
            return null;
        }
        String devices = p.text("devices");
        return new IncidentReport(
                firstNonNull(p.text("incident_id"), p.incident()),
                firstNonNull(p.text("rule_id"), p.rule()),
                firstNonNull(p.text("subject"), p.device()),
                p.text("site"),
                firstNonNull(p.text("zone"), p.zone()),
                p.text("department"),
                devices == null || devices.isEmpty() ? List.of() : Arrays.asList(devices.split(",")),
                p.whole("first_pre_warning_at"),
                p.whole("alarm_at"),
                p.whole("lead_time_ms"),
                p.number("peak_value") == null ? Double.NaN : p.number("peak_value"),
                orZero(p.whole("peak_at")),
                orZero(p.whole("started_at")),
                p.whole("closed_at"),
                orZero(p.whole("duration_ms")),
                p.whole("acknowledged_at"),
                p.text("acknowledged_by"),
                p.whole("time_to_acknowledge_ms"),
                orZero(p.whole("readings")));
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }
}

package io.vigil.app.incidents;

import io.vigil.common.incident.HumanDurations;
import io.vigil.common.incident.IncidentReport;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** A closed incident's report in two console lines, for the demo's alert tail. */
public final class PostEventSummary {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private PostEventSummary() {}

    public static String format(IncidentReport r, String indent) {
        String lead = r.leadTimeMs() == null
                ? (r.alarmAt() == null ? "no alarm (pre-warning withdrawn)" : "none (no pre-warning before the alarm)")
                : HumanDurations.format(r.leadTimeMs()) + " (pre-warning " + time(r.firstPreWarningAt())
                        + ", alarm " + time(r.alarmAt()) + ")";
        String ack = r.acknowledgedBy() == null ? "not acknowledged"
                : "acknowledged by " + r.acknowledgedBy() + (r.timeToAcknowledgeMs() == null ? ""
                        : " after " + HumanDurations.format(r.timeToAcknowledgeMs()));
        return String.format(Locale.ROOT, "%sreport: lead %s | peak %.2f at %s | duration %s%n%s        %s | %d readings",
                indent, lead, r.peakValue(), time(r.peakAt()), HumanDurations.format(r.durationMs()), indent, ack,
                r.readings());
    }

    private static String time(Long epochMs) {
        return epochMs == null ? "-" : TIME.format(Instant.ofEpochMilli(epochMs));
    }
}

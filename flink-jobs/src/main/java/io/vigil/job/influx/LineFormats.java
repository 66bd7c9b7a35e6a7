package io.vigil.job.influx;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.IncidentReport;
import io.vigil.job.anomaly.AnomalyScore;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * The measurements Vigil writes. A point's identity is measurement + tags + time, so a replayed reading or alert
 * overwrites itself instead of adding a duplicate. Escaping is left to influxdb-java's {@link Point}.
 */
public final class LineFormats {
    public static final String READINGS = "readings";
    public static final String INCIDENTS = "incidents";
    public static final String AUDIT = "audit";
    /** The field of {@link #READINGS} that holds a reading's anomaly score. */
    public static final String ANOMALY_SCORE = "anomaly_score";

    private LineFormats() {}

    /** {@code readings,device=..,site=..,zone=..,metric=..,unit=.. value=..}; non-finite values cannot be stored. */
    public static LineFormat<Reading> readings() {
        return LineFormat.inNanoseconds(r -> {
            if (!Double.isFinite(r.value())) {
                return null;
            }
            Point.Builder p = Point.measurement(READINGS);
            if (!storeTime(p, r.eventTime(), r.eventNanos())) {
                return null;
            }
            tag(p, "device", r.deviceId());
            tag(p, "site", r.site());
            tag(p, "zone", r.zone());
            tag(p, "metric", r.metric());
            tag(p, "unit", r.unit());
            return p.addField("value", r.value()).build().lineProtocol(TimeUnit.NANOSECONDS);
        });
    }

    /**
     * {@code readings,<the reading's tags> anomaly_score=..} at the reading's time: InfluxDB merges the fields of
     * points with the same measurement, tags and time, so the score lands in the reading's own point, next to
     * {@code value}.
     */
    public static LineFormat<AnomalyScore> anomalyScores() {
        return LineFormat.inNanoseconds(s -> {
            if (!Double.isFinite(s.score())) {
                return null;
            }
            Point.Builder p = Point.measurement(READINGS);
            if (!storeTime(p, s.eventTime(), s.eventNanos())) {
                return null;
            }
            tag(p, "device", s.deviceId());
            tag(p, "site", s.site());
            tag(p, "zone", s.zone());
            tag(p, "metric", s.metric());
            tag(p, "unit", s.unit());
            return p.addField(ANOMALY_SCORE, s.score()).build().lineProtocol(TimeUnit.NANOSECONDS);
        });
    }

    /** One point per incident transition, tagged by phase so the transitions of one incident coexist. */
    public static LineFormat<Alert> incidents() {
        return a -> {
            Point.Builder p = Point.measurement(INCIDENTS).time(a.eventTime(), TimeUnit.MILLISECONDS);
            tag(p, "rule", a.ruleId());
            tag(p, "zone", a.zone());
            tag(p, "device", a.subject());
            tag(p, "phase", a.phase().name());
            tag(p, "incident", a.incidentId());
            if (Double.isFinite(a.value())) {
                p.addField("value", a.value());
            }
            if (Double.isFinite(a.limit())) {
                p.addField("limit", a.limit());
            }
            p.addField("severity", a.severity() == null ? "" : a.severity());
            p.addField("summary", a.summary() == null ? "" : a.summary());
            tag(p, "department", a.department());
            p.addField("escalation", a.escalation());
            p.addField("started_at", a.startedAt());
            if (a.eta() != null) {
                p.addField("eta", a.eta());
            }
            if (a.acknowledgedBy() != null) {
                p.addField("acknowledged_by", a.acknowledgedBy());
            }
            IncidentReport r = a.report();
            if (r != null) {
                p.addField("devices", String.join(",", r.devices()));
                optional(p, "first_pre_warning_at", r.firstPreWarningAt());
                optional(p, "alarm_at", r.alarmAt());
                optional(p, "lead_time_ms", r.leadTimeMs());
                if (Double.isFinite(r.peakValue())) {
                    p.addField("peak_value", r.peakValue());
                }
                p.addField("peak_at", r.peakAt());
                p.addField("closed_at", r.closedAt());
                p.addField("duration_ms", r.durationMs());
                optional(p, "acknowledged_at", r.acknowledgedAt());
                optional(p, "time_to_acknowledge_ms", r.timeToAcknowledgeMs());
                p.addField("readings", r.readings());
            }
            return p.build().lineProtocol(TimeUnit.MILLISECONDS);
        };
    }

    /** {@code audit,kind=..,subject=.. by=..,source=..,detail=..}: who did what to which incident or rule set. */
    public static LineFormat<AuditEvent> audit() {
        return e -> {
            Point.Builder p = Point.measurement(AUDIT).time(e.at(), TimeUnit.MILLISECONDS);
            tag(p, "kind", e.kind());
            tag(p, "subject", e.subject());
            p.addField("by", e.by() == null ? "" : e.by());
            p.addField("source", e.source() == null ? "" : e.source());
            p.addField("detail", e.detail() == null ? "" : e.detail());
            return p.build().lineProtocol(TimeUnit.MILLISECONDS);
        };
    }

    /**
     * A reading's point time in nanoseconds: its millisecond plus the sub-millisecond part the gateway gave it (so two
     * readings of a series received in one millisecond stay two points). False when the time lies beyond what
     * InfluxDB can store (after 2262).
     */
    private static boolean storeTime(Point.Builder p, long eventTime, int eventNanos) {
        if (eventTime > (Long.MAX_VALUE - eventNanos) / Reading.NANOS_PER_MILLI) {
            return false;
        }
        p.time(eventTime * Reading.NANOS_PER_MILLI + eventNanos, TimeUnit.NANOSECONDS);
        return true;
    }

    private static void optional(Point.Builder p, String field, Long value) {
        if (value != null) {
            p.addField(field, value);
        }
    }

    private static void tag(Point.Builder p, String name, String value) {
        if (value != null && !value.isEmpty()) {
            p.tag(name, value);
        }
    }
}

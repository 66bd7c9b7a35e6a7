package io.vigil.job.influx;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * The measurements Vigil writes. A point's identity is measurement + tags + time, so a replayed reading or alert
 * overwrites itself instead of adding a duplicate. Escaping is left to influxdb-java's {@link Point}.
 */
public final class LineFormats {
    public static final String READINGS = "readings";
    public static final String INCIDENTS = "incidents";

    private LineFormats() {}

    /** {@code readings,device=..,site=..,zone=..,metric=..,unit=.. value=..}; non-finite values cannot be stored. */
    public static LineFormat<Reading> readings() {
        return r -> {
            if (!Double.isFinite(r.value())) {
                return null;
            }
            Point.Builder p = Point.measurement(READINGS).time(r.eventTime(), TimeUnit.MILLISECONDS);
            tag(p, "device", r.deviceId());
            tag(p, "site", r.site());
            tag(p, "zone", r.zone());
            tag(p, "metric", r.metric());
            tag(p, "unit", r.unit());
            return p.addField("value", r.value()).build().lineProtocol(TimeUnit.MILLISECONDS);
        };
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
            return p.build().lineProtocol(TimeUnit.MILLISECONDS);
        };
    }

    private static void tag(Point.Builder p, String name, String value) {
        if (value != null && !value.isEmpty()) {
            p.tag(name, value);
        }
    }
}

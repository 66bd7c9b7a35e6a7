package io.vigil.job.rfid;

import io.vigil.job.influx.LineFormat;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * The RFID measurements (docs/rfid.md, "InfluxDB series"). Tag ids here are what the gateway sent on: pseudonyms
 * for people, own ids for assets.
 */
public final class RfidLineFormats {
    public static final String OCCUPANCY = "occupancy";
    public static final String PRESENCE = "presence";
    public static final String TAG_READS = "tag_reads";

    private RfidLineFormats() {}

    /** {@code occupancy,site=..,zone=.. count=..i,capacity=..i}, one point per instant the zone's count may change. */
    public static LineFormat<ZoneCount> occupancy() {
        return c -> {
            Point.Builder p = Point.measurement(OCCUPANCY).time(c.eventTime(), TimeUnit.MILLISECONDS);
            tag(p, "site", c.site());
            tag(p, "zone", c.zone());
            return p.addField("count", (long) c.count()).addField("capacity", (long) c.capacity()).build()
                    .lineProtocol(TimeUnit.MILLISECONDS);
        };
    }

    /**
     * {@code presence,site=..,zone=..,kind=..,group=..,tag=.. change=±1i,from_zone=".."}. The tag is a tag key, not a
     * field: points are identified by measurement, tags and a millisecond time, and two people arriving in one zone
     * in the same millisecond must not overwrite each other. {@code change} is +1 when the tag entered {@code zone}
     * (ARRIVED, MOVED; a MOVED names the zone it left in {@code from_zone}) and -1 when it left it (DEPARTED).
     */
    public static LineFormat<PresenceEvent> presence() {
        return e -> {
            Point.Builder p = Point.measurement(PRESENCE).time(e.eventTime(), TimeUnit.MILLISECONDS);
            tag(p, "site", e.site());
            tag(p, "zone", e.zone());
            tag(p, "kind", e.kind().name());
            tag(p, "group", e.group() == null ? "unknown" : e.group());
            tag(p, "tag", e.tagId());
            p.addField("change", e.kind() == PresenceKind.DEPARTED ? -1L : 1L);
            if (e.fromZone() != null) {
                p.addField("from_zone", e.fromZone());
            }
            return p.build().lineProtocol(TimeUnit.MILLISECONDS);
        };
    }

    /** {@code tag_reads,reader=..,antenna=..,zone=.. reports=..i,reads=..i,per_second=..} per reader antenna and interval. */
    public static LineFormat<ReadRate> tagReads() {
        return r -> {
            Point.Builder p = Point.measurement(TAG_READS).time(r.windowStart(), TimeUnit.MILLISECONDS);
            tag(p, "reader", r.reader());
            tag(p, "antenna", String.valueOf(r.antenna()));
            tag(p, "zone", r.zone() == null ? "unmapped" : r.zone());
            return p.addField("reports", r.reports()).addField("reads", r.reads())
                    .addField("per_second", r.readsPerSecond()).build().lineProtocol(TimeUnit.MILLISECONDS);
        };
    }

    private static void tag(Point.Builder p, String name, String value) {
        if (value != null && !value.isEmpty()) {
            p.tag(name, value);
        }
    }
}

package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagRead;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the raw reads of one tag (key = tag id) into presence transitions. Readers report a tag many times a second
 * and neighbouring antennas pick it up too, so a zone only counts once it has {@code minReads} reads within the
 * window, and a move needs the new zone to be clearly stronger (smoothed RSSI) or the old one to have gone silent.
 *
 * <p>Event time: the reads of one tag come from several readers and source splits, interleaved by load, so a read
 * is buffered until the watermark passes its timestamp and reads are then applied in timestamp order (ties by
 * reader, antenna, RSSI, count). Live input and replays therefore give the same transitions at the same event
 * times. A read already behind the watermark is late: counted, not used. Departure is an event-time timer at
 * {@code lastSeen + departAfter} and the DEPARTED carries that time, the instant it was decided, so it is never
 * behind the watermark downstream. There is no processing-time fallback: with every reader silent the watermark
 * stalls, and the idleness setting of the source is what keeps it moving.
 */
public final class PresenceTracker extends KeyedProcessFunction<String, TagRead, PresenceEvent> {
    private static final long serialVersionUID = 1L;
    /** Order of reads with the same timestamp. */
    static final Comparator<TagRead> SAME_INSTANT_ORDER = Comparator.comparing(TagRead::readerId)
            .thenComparingInt(TagRead::antenna)
            .thenComparing(TagRead::rssiDbm, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(TagRead::reads);

    private final Site site;
    private final PresenceSettings settings;
    private transient ValueState<TagPresence> presence;
    private transient MapState<String, ZoneEvidence> evidence;
    private transient MapState<Long, List<TagRead>> pending;
    private transient Counter late;
    private transient Counter unmapped;

    public PresenceTracker(Site site, PresenceSettings settings) {
        this.site = site;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        presence = getRuntimeContext().getState(new ValueStateDescriptor<>("presence", TagPresence.class));
        evidence = getRuntimeContext().getMapState(new MapStateDescriptor<>("evidence", Types.STRING,
                Types.POJO(ZoneEvidence.class)));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(TypeInformation.of(TagRead.class))));
        late = getRuntimeContext().getMetricGroup().counter("lateTagReads");
        unmapped = getRuntimeContext().getMetricGroup().counter("unmappedTagReads");
    }

    @Override
    public void processElement(TagRead read, Context ctx, Collector<PresenceEvent> out) throws Exception {
        if (site.zoneOf(read.readerId(), read.antenna()).isEmpty()) {
            unmapped.inc();
            return;
        }
        long ts = read.eventTime();
        if (ts <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        List<TagRead> due = pending.get(ts);
        if (due == null) {
            due = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        due.add(read);
        pending.put(ts, due);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PresenceEvent> out) throws Exception {
        List<TagRead> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            due.sort(SAME_INSTANT_ORDER);
            TagPresence p = presence.value();
            if (p == null) {
                p = new TagPresence();
            }
            for (TagRead read : due) {
                apply(read, p, ctx.getCurrentKey(), out);
            }
            rearmDeparture(p, ctx);
            presence.update(p);
            return;
        }
        TagPresence p = presence.value();
        if (p == null || timestamp != p.departTimer) {
            return;
        }
        if (p.zone != null) {
            out.collect(event(ctx.getCurrentKey(), p, PresenceKind.DEPARTED, null, timestamp));
        }
        presence.clear();
        evidence.clear();
    }

    /** One read, in event-time order: {@code read.eventTime() >= p.lastSeen}. */
    private void apply(TagRead read, TagPresence p, String tagId, Collector<PresenceEvent> out) throws Exception {
        String zone = site.zoneOf(read.readerId(), read.antenna()).orElseThrow();
        long window = settings.window().toMillis();
        p.group = read.group();
        ZoneEvidence here = evidence.get(zone);
        if (here == null || read.eventTime() - here.lastSeen > window) {
            here = new ZoneEvidence();
        }
        here.reads += read.reads();
        if (read.rssiDbm() != null) {
            here.rssi = Double.isNaN(here.rssi) ? read.rssiDbm()
                    : settings.rssiSmoothing() * read.rssiDbm() + (1 - settings.rssiSmoothing()) * here.rssi;
        }
        here.lastSeen = Math.max(here.lastSeen, read.eventTime());
        evidence.put(zone, here);
        p.lastSeen = Math.max(p.lastSeen, read.eventTime());

        if (here.reads >= settings.minReads() && !zone.equals(p.zone)) {
            if (p.zone == null) {
                p.zone = zone;
                out.collect(event(tagId, p, PresenceKind.ARRIVED, null, read.eventTime()));
            } else if (outweighs(here, evidence.get(p.zone), read.eventTime(), window)) {
                String from = p.zone;
                p.zone = zone;
                out.collect(event(tagId, p, PresenceKind.MOVED, from, read.eventTime()));
            }
        }
        forgetStaleEvidence(read.eventTime(), window);
    }

    private void rearmDeparture(TagPresence p, Context ctx) throws Exception {
        long due = p.lastSeen + settings.departAfter().toMillis();
        if (due != p.departTimer) {
            // one timer per key and timestamp: reads pending at that instant still need it
            if (p.departTimer != TagPresence.NONE && !pending.contains(p.departTimer)) {
                ctx.timerService().deleteEventTimeTimer(p.departTimer);
            }
            ctx.timerService().registerEventTimeTimer(due);
            p.departTimer = due;
        }
    }

    /** The new zone wins if the current one went quiet for a window, or if it is clearly stronger. */
    private boolean outweighs(ZoneEvidence candidate, ZoneEvidence current, long now, long window) {
        if (current == null || now - current.lastSeen > window) {
            return true;
        }
        if (Double.isNaN(candidate.rssi) || Double.isNaN(current.rssi)) {
            return candidate.reads > 2 * current.reads;
        }
        return candidate.rssi >= current.rssi + settings.moveMarginDb();
    }

    private void forgetStaleEvidence(long now, long window) throws Exception {
        var it = evidence.iterator();
        while (it.hasNext()) {
            Map.Entry<String, ZoneEvidence> e = it.next();
            if (now - e.getValue().lastSeen > 2 * window) {
                it.remove();
            }
        }
    }

    private PresenceEvent event(String tagId, TagPresence p, PresenceKind kind, String from, long time) {
        return new PresenceEvent(site.id(), tagId, p.group, kind, p.zone, from, time);
    }
}

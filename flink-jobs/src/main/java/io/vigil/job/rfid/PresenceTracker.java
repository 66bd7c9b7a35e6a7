package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagRead;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the raw reads of one tag (key = tag id) into presence transitions. Readers report a tag many times a second
 * and neighbouring antennas pick it up too, so a zone only counts once it has {@code minReads} reads within the
 * window, and a move needs the new zone to be clearly stronger (smoothed RSSI) or the old one to have gone silent.
 *
 * <p>Event time: a read older than the tag's latest read by more than the window is too late to change anything
 * and is counted, not used; reads within the window may arrive in any order. Departure is an event-time timer at
 * {@code lastSeen + departAfter}, so it fires when the watermark passes, live or replayed. There is no
 * processing-time fallback: with every reader silent the watermark stalls, and the idleness setting of the source
 * is what keeps it moving.
 */
public final class PresenceTracker extends KeyedProcessFunction<String, TagRead, PresenceEvent> {
    private static final long serialVersionUID = 1L;

    private final Site site;
    private final PresenceSettings settings;
    private transient ValueState<TagPresence> presence;
    private transient MapState<String, ZoneEvidence> evidence;
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
        late = getRuntimeContext().getMetricGroup().counter("lateTagReads");
        unmapped = getRuntimeContext().getMetricGroup().counter("unmappedTagReads");
    }

    @Override
    public void processElement(TagRead read, Context ctx, Collector<PresenceEvent> out) throws Exception {
        Optional<String> zone = site.zoneOf(read.readerId(), read.antenna());
        if (zone.isEmpty()) {
            unmapped.inc();
            return;
        }
        TagPresence p = presence.value();
        if (p == null) {
            p = new TagPresence();
        }
        long window = settings.window().toMillis();
        if (p.lastSeen != TagPresence.NONE && read.eventTime() < p.lastSeen - window) {
            late.inc();
            return;
        }
        p.group = read.group();
        ZoneEvidence here = evidence.get(zone.get());
        if (here == null || read.eventTime() - here.lastSeen > window) {
            here = new ZoneEvidence();
        }
        here.reads += read.reads();
        if (read.rssiDbm() != null) {
            here.rssi = Double.isNaN(here.rssi) ? read.rssiDbm()
                    : settings.rssiSmoothing() * read.rssiDbm() + (1 - settings.rssiSmoothing()) * here.rssi;
        }
        here.lastSeen = Math.max(here.lastSeen, read.eventTime());
        evidence.put(zone.get(), here);
        p.lastSeen = Math.max(p.lastSeen, read.eventTime());

        if (here.reads >= settings.minReads() && !zone.get().equals(p.zone)) {
            if (p.zone == null) {
                p.zone = zone.get();
                out.collect(event(ctx.getCurrentKey(), p, PresenceKind.ARRIVED, null, read.eventTime()));
            } else if (outweighs(here, evidence.get(p.zone), read.eventTime(), window)) {
                String from = p.zone;
                p.zone = zone.get();
                out.collect(event(ctx.getCurrentKey(), p, PresenceKind.MOVED, from, read.eventTime()));
            }
        }
        forgetStaleEvidence(read.eventTime(), window);
        long due = p.lastSeen + settings.departAfter().toMillis();
        if (due != p.departTimer) {
            if (p.departTimer != TagPresence.NONE) {
                ctx.timerService().deleteEventTimeTimer(p.departTimer);
            }
            ctx.timerService().registerEventTimeTimer(due);
            p.departTimer = due;
        }
        presence.update(p);
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

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PresenceEvent> out) throws Exception {
        TagPresence p = presence.value();
        if (p == null || timestamp != p.departTimer) {
            return;
        }
        if (p.zone != null) {
            out.collect(event(ctx.getCurrentKey(), p, PresenceKind.DEPARTED, null, p.lastSeen));
        }
        presence.clear();
        evidence.clear();
    }

    private PresenceEvent event(String tagId, TagPresence p, PresenceKind kind, String from, long time) {
        return new PresenceEvent(site.id(), tagId, p.group, kind, p.zone, from, time);
    }
}

package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import io.vigil.job.detect.TrendFit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
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
 * The occupancy detector of one zone with a capacity (key = zone id): counts the tags present and signals
 * WARN from {@code ceil(warnShare × capacity)} or when the count, rising at its trend's slope (a {@link TrendFit}
 * over the count changes of the zone's last {@code horizon}), reaches capacity within the horizon, with that ETA; ALARM above capacity; NORMAL (cleared) below
 * the warning level with no rise forecast. The incident lifecycle turns the signals into phases; a signal is sent
 * at every instant the count changes, and once more {@code closeAfter} after the level fell back to NORMAL so that
 * the lifecycle, which only moves on signals, can close a recovered incident.
 *
 * <p>Deterministic in event time: the changes of a zone come from every presence subtask, interleaved by load, so
 * a change is buffered until the watermark passes its timestamp and changes are then applied in timestamp order;
 * ties go departures first (a tag leaving as another arrives never counts both), then by tag id. A change already
 * behind the watermark is late: counted, not applied, since applying it would rewrite history.
 */
public final class ZoneOccupancy extends KeyedProcessFunction<String, OccupancyChange, Signal> {
    private static final long serialVersionUID = 1L;
    /** Fewer count changes than this within the horizon give no forecast. */
    static final int MIN_TREND_SAMPLES = 4;
    /** Order of changes with the same timestamp. */
    static final Comparator<OccupancyChange> SAME_INSTANT_ORDER =
            Comparator.comparing(OccupancyChange::entered).thenComparing(OccupancyChange::tagId);

    private final Site site;
    private final long closeAfterMs;
    private transient MapState<String, Long> present;
    private transient MapState<Long, Integer> samples;
    private transient ValueState<ZoneState> zoneState;
    private transient MapState<Long, List<OccupancyChange>> pending;
    private transient Counter late;

    public ZoneOccupancy(Site site, Duration closeAfter) {
        this.site = site;
        this.closeAfterMs = closeAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        present = getRuntimeContext().getMapState(new MapStateDescriptor<>("present", Types.STRING, Types.LONG));
        samples = getRuntimeContext().getMapState(new MapStateDescriptor<>("count-samples", Types.LONG, Types.INT));
        zoneState = getRuntimeContext().getState(new ValueStateDescriptor<>("zone", ZoneState.class));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(TypeInformation.of(OccupancyChange.class))));
        late = getRuntimeContext().getMetricGroup().counter("lateOccupancyChanges");
    }

    @Override
    public void processElement(OccupancyChange change, Context ctx, Collector<Signal> out) throws Exception {
        Site.Zone zone = site.zones().get(change.zone());
        if (zone == null || zone.capacity() == 0) {
            return; // not watched for occupancy: keep no state for it
        }
        long ts = change.eventTime();
        if (ts <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        List<OccupancyChange> due = pending.get(ts);
        if (due == null) {
            due = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        due.add(change);
        pending.put(ts, due);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        Site.Zone zone = site.zones().get(ctx.getCurrentKey());
        ZoneState state = zoneState.value();
        if (state == null) {
            state = new ZoneState();
        }
        List<OccupancyChange> due = pending.get(timestamp);
        boolean changed = due != null;
        if (changed) {
            pending.remove(timestamp);
            due.sort(SAME_INSTANT_ORDER);
            for (OccupancyChange change : due) {
                if (change.entered()) {
                    present.put(change.tagId(), change.eventTime());
                } else {
                    present.remove(change.tagId());
                }
            }
        }
        // after the changes of this instant: a rise at the closing instant keeps the incident open
        boolean closing = timestamp == state.closeTimer;
        if (closing) {
            state.closeTimer = TagPresence.NONE;
        }
        boolean forgetting = timestamp == state.forgetTimer;
        if (forgetting) {
            state.forgetTimer = TagPresence.NONE;
            if (present.isEmpty()) {
                samples.clear();
            }
        }
        // a forecast from an emptied zone's old trend is withdrawn with the trend
        if (changed || closing || forgetting && state.level != Level.NORMAL) {
            evaluate(zone, state, timestamp, changed, ctx, out);
        }
        if (state.level == Level.NORMAL && state.closeTimer == TagPresence.NONE
                && state.forgetTimer == TagPresence.NONE && present.isEmpty()) {
            zoneState.clear();
            samples.clear();
        } else {
            zoneState.update(state);
        }
    }

    private void evaluate(Site.Zone zone, ZoneState state, long t, boolean changed, Context ctx,
                          Collector<Signal> out) throws Exception {
        int count = count();
        double warnAt = Math.ceil(zone.warnShare() * zone.capacity());
        Long eta = null;
        if (zone.horizon() != null) {
            if (changed) {
                samples.put(t, count);
            }
            long until = forecast(zone, t, count);
            if (until >= 0 && until <= zone.horizon().toMillis()) {
                eta = t + until;
            }
        }
        Level level;
        double limit;
        if (count > zone.capacity()) {
            level = Level.ALARM;
            limit = zone.capacity();
        } else if (count >= warnAt || eta != null) {
            level = Level.WARN;
            limit = count >= warnAt ? warnAt : zone.capacity();
        } else {
            level = Level.NORMAL;
            limit = warnAt;
        }
        out.collect(RfidRules.signal(RfidRules.OCCUPANCY, zone.id(), site.id(), zone.id(), "people", level, count,
                limit, eta, t));
        if (level == Level.NORMAL && state.level != Level.NORMAL) {
            state.closeTimer = t + closeAfterMs;
            ctx.timerService().registerEventTimeTimer(state.closeTimer);
        } else if (level != Level.NORMAL && state.closeTimer != TagPresence.NONE) {
            // one timer per key and timestamp: changes pending at that instant still need it
            if (!pending.contains(state.closeTimer) && state.closeTimer != state.forgetTimer) {
                ctx.timerService().deleteEventTimeTimer(state.closeTimer);
            }
            state.closeTimer = TagPresence.NONE;
        }
        state.level = level;
        if (count == 0 && zone.horizon() != null && state.forgetTimer == TagPresence.NONE) {
            // an empty zone keeps its trend for one horizon: a crowd coming back soon is still a trend
            state.forgetTimer = t + zone.horizon().toMillis();
            ctx.timerService().registerEventTimeTimer(state.forgetTimer);
        }
    }

    /**
     * Milliseconds from {@code now} until the count, rising from where it is at the trend's slope, reaches capacity;
     * 0 if there, -1 if not rising. The count itself is exact, so only the slope is fitted: a robust line's own
     * level would take an emptied zone for an outlier and keep forecasting a crowd.
     */
    private long forecast(Site.Zone zone, long now, int count) throws Exception {
        long horizon = zone.horizon().toMillis();
        List<long[]> kept = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Integer>> it = samples.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Integer> e = it.next();
            if (e.getKey() <= now - horizon) {
                it.remove();
            } else {
                kept.add(new long[] {e.getKey() - now, e.getValue()});
            }
        }
        if (kept.size() < MIN_TREND_SAMPLES) {
            return -1;
        }
        long[] t = new long[kept.size()];
        double[] v = new double[kept.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = kept.get(i)[0];
            v[i] = kept.get(i)[1];
        }
        return new TrendFit(TrendFit.of(t, v).slopePerMs(), count).msUntil(zone.capacity(), true);
    }

    private int count() throws Exception {
        int n = 0;
        for (String ignored : present.keys()) {
            n++;
        }
        return n;
    }
}

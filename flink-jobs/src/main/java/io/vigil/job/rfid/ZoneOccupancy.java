package io.vigil.job.rfid;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.rfid.Site;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * Counts the tags present in one zone (key = zone id) and runs the zone's occupancy incident:
 * PRE_WARNING at {@code warnShare × capacity}, ALARM above capacity, RECOVERING once back within capacity (or,
 * from a pre-warning, below the warning level), CLOSED when the count has stayed below the warning level for
 * {@code closeAfter} (event time). One {@link Alert} per transition, one incident id throughout.
 *
 * <p>Deterministic in event time: the changes of a zone come from every presence subtask, interleaved by load, so
 * a change is buffered until the watermark passes its timestamp and changes are then applied in timestamp order;
 * ties go departures first (a tag leaving as another arrives never counts both), then by tag id. Live input
 * and replays therefore give the same alerts. A change already behind the watermark is late: counted, not applied,
 * since applying it would rewrite history.
 *
 * <p>Its own small lifecycle until the shared incident lifecycle operator takes RFID signals (see docs/rfid.md).
 */
public final class ZoneOccupancy extends KeyedProcessFunction<String, OccupancyChange, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String RULE = "rfid-zone-occupancy";
    /** Order of changes with the same timestamp. */
    static final Comparator<OccupancyChange> SAME_INSTANT_ORDER =
            Comparator.comparing(OccupancyChange::entered).thenComparing(OccupancyChange::tagId);

    private final Site site;
    private final long closeAfterMs;
    private transient MapState<String, Long> present;
    private transient ValueState<OccupancyIncident> incident;
    private transient MapState<Long, List<OccupancyChange>> pending;
    private transient Counter late;

    public ZoneOccupancy(Site site, Duration closeAfter) {
        this.site = site;
        this.closeAfterMs = closeAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        present = getRuntimeContext().getMapState(new MapStateDescriptor<>("present", Types.STRING, Types.LONG));
        incident = getRuntimeContext().getState(new ValueStateDescriptor<>("incident", OccupancyIncident.class));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(TypeInformation.of(OccupancyChange.class))));
        late = getRuntimeContext().getMetricGroup().counter("lateOccupancyChanges");
    }

    @Override
    public void processElement(OccupancyChange change, Context ctx, Collector<Alert> out) throws Exception {
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

    private void apply(OccupancyChange change, Context ctx, Collector<Alert> out) throws Exception {
        if (change.entered()) {
            present.put(change.tagId(), change.eventTime());
        } else {
            present.remove(change.tagId());
        }
        Site.Zone zone = site.zones().get(change.zone());
        if (zone == null || zone.capacity() == 0) {
            return;
        }
        int count = count();
        double warnAt = Math.ceil(zone.warnShare() * zone.capacity());
        OccupancyIncident state = incident.value();
        if (state == null) {
            state = new OccupancyIncident();
        }
        Phase next = next(state.phase, count, warnAt, zone.capacity());
        if (next != state.phase) {
            if (state.phase == Phase.NORMAL) {
                state.startedAt = change.eventTime();
            }
            state.phase = next;
            out.collect(alert(zone, state, count, change.eventTime()));
        }
        boolean calm = count < warnAt;
        if (state.phase == Phase.RECOVERING && calm && state.closeTimer == TagPresence.NONE) {
            state.closeTimer = change.eventTime() + closeAfterMs;
            ctx.timerService().registerEventTimeTimer(state.closeTimer);
        } else if (state.closeTimer != TagPresence.NONE && !calm) {
            // one timer per key and timestamp: changes pending at that instant still need it
            if (!pending.contains(state.closeTimer)) {
                ctx.timerService().deleteEventTimeTimer(state.closeTimer);
            }
            state.closeTimer = TagPresence.NONE;
        }
        if (state.phase == Phase.NORMAL) {
            incident.clear();
        } else {
            incident.update(state);
        }
    }

    private static Phase next(Phase phase, int count, double warnAt, int capacity) {
        if (count > capacity) {
            return Phase.ALARM;
        }
        return switch (phase) {
            case NORMAL, CLOSED -> count >= warnAt ? Phase.PRE_WARNING : Phase.NORMAL;
            case PRE_WARNING -> count >= warnAt ? Phase.PRE_WARNING : Phase.RECOVERING;
            case ALARM, RECOVERING -> Phase.RECOVERING;
        };
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<OccupancyChange> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            due.sort(SAME_INSTANT_ORDER);
            for (OccupancyChange change : due) {
                apply(change, ctx, out);
            }
        }
        // after the changes of this instant: a rise at the closing instant keeps the incident open
        OccupancyIncident state = incident.value();
        if (state == null || state.closeTimer != timestamp) {
            return;
        }
        Site.Zone zone = site.zones().get(ctx.getCurrentKey());
        state.phase = Phase.CLOSED;
        out.collect(alert(zone, state, count(), timestamp));
        incident.clear();
    }

    private int count() throws Exception {
        int n = 0;
        for (String ignored : present.keys()) {
            n++;
        }
        return n;
    }

    private Alert alert(Site.Zone zone, OccupancyIncident state, int count, long time) {
        String severity = state.phase == Phase.PRE_WARNING ? "warning" : "critical";
        return new Alert(RULE + ":" + zone.id() + ":" + state.startedAt, RULE, zone.id(), site.id(), zone.id(),
                "occupancy", state.phase, severity, count, zone.capacity(), time, state.startedAt,
                "Zone " + zone.id() + " crowded",
                count + " present, capacity " + zone.capacity() + " (" + state.phase + ")",
                null, null, null, 0, null);
    }
}

package io.vigil.job.rfid;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.rfid.Site;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Mustering after an evacuation (one key: the site). Follows where every person is (their tag ids are already
 * pseudonyms). An ALARM on the second input, an alert of a rule listed in the site's {@code evacuation.triggered_by},
 * starts a muster: everyone then present in an evacuated zone is missing until read at an assembly point; a person
 * entering an evacuated zone during the muster becomes missing too. Each change of the list is a signal with the
 * count as value and the sorted pseudonyms as {@link Signal#members}, so the lifecycle re-publishes the ALARM with
 * the live list; an empty list clears it and the muster CLOSES, its report listing everyone who was missing.
 *
 * <p>Event time, like the other detectors: presence events and triggers are buffered until the watermark passes
 * them and applied in timestamp order (at one instant presence first, so someone read as the alarm goes off counts),
 * so the list does not depend on how inputs interleave. The triggers' own watermark never holds this operator back
 * (see {@link RfidJob}): a trigger whose time the readers have already passed starts the muster at once; one
 * stamped ahead of the readers' time waits for them. A muster nobody completes is forgotten after
 * {@link IncidentLifecycle#DEFAULT_FORGET_AFTER}; a person's whereabouts go when they depart.
 */
public final class Mustering extends KeyedCoProcessFunction<String, PresenceEvent, Alert, Signal> {
    private static final long serialVersionUID = 1L;

    private final Site site;
    private final Site.Evacuation plan;
    private transient MapState<String, String> whereabouts;
    private transient MapState<String, String> missing;
    private transient ValueState<MusterState> muster;
    private transient MapState<Long, List<PresenceEvent>> pendingPresence;
    private transient MapState<Long, List<Alert>> pendingTriggers;

    public Mustering(Site site) {
        this.site = site;
        this.plan = site.evacuationPlan().orElseThrow(() -> new IllegalArgumentException(
                "site " + site.id() + " has no evacuation plan"));
    }

    @Override
    public void open(OpenContext openContext) {
        whereabouts = getRuntimeContext().getMapState(new MapStateDescriptor<>("whereabouts", Types.STRING,
                Types.STRING));
        missing = getRuntimeContext().getMapState(new MapStateDescriptor<>("missing", Types.STRING, Types.STRING));
        muster = getRuntimeContext().getState(new ValueStateDescriptor<>("muster", MusterState.class));
        pendingPresence = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-presence", Types.LONG,
                Types.LIST(TypeInformation.of(PresenceEvent.class))));
        pendingTriggers = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-triggers", Types.LONG,
                Types.LIST(TypeInformation.of(Alert.class))));
    }

    @Override
    public void processElement1(PresenceEvent e, Context ctx, Collector<Signal> out) throws Exception {
        if (!person(e)) {
            return;
        }
        if (e.eventTime() <= ctx.timerService().currentWatermark()) {
            apply(e, out);
        } else {
            buffer(pendingPresence, e.eventTime(), e, ctx);
        }
    }

    @Override
    public void processElement2(Alert alert, Context ctx, Collector<Signal> out) throws Exception {
        if (alert.phase() != Phase.ALARM || !plan.triggeredBy().contains(alert.ruleId())) {
            return;
        }
        if (alert.eventTime() <= ctx.timerService().currentWatermark()) {
            start(alert, ctx, out); // the readers are past it already: an evacuation does not wait
        } else {
            buffer(pendingTriggers, alert.eventTime(), alert, ctx);
        }
    }

    private <T> void buffer(MapState<Long, List<T>> pending, long ts, T value, Context ctx) throws Exception {
        List<T> due = pending.get(ts);
        if (due == null) {
            due = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        due.add(value);
        pending.put(ts, due);
    }

    private void apply(PresenceEvent e, Collector<Signal> out) throws Exception {
        if (e.kind() == PresenceKind.DEPARTED) {
            whereabouts.remove(e.tagId());
        } else {
            whereabouts.put(e.tagId(), e.zone());
        }
        MusterState m = muster.value();
        if (m == null || !m.active || e.kind() == PresenceKind.DEPARTED) {
            return;
        }
        Site.Zone zone = site.zones().get(e.zone());
        boolean changed = false;
        if (zone != null && zone.assemblyPoint()) {
            changed = missing.contains(e.tagId());
            missing.remove(e.tagId());
        } else if (plan.zones().contains(e.zone()) && !missing.contains(e.tagId())) {
            missing.put(e.tagId(), e.zone());
            changed = true;
        }
        if (changed) {
            report(m, e.eventTime(), out);
            muster.update(m);
        }
    }

    private void start(Alert alert, Context ctx, Collector<Signal> out) throws Exception {
        MusterState m = muster.value();
        if (m != null && (m.active || alert.incidentId().equals(m.triggerIncident))) {
            return; // already mustering, or this incident's muster is done
        }
        if (m != null && m.forgetTimer != TagPresence.NONE && !pendingPresence.contains(m.forgetTimer)
                && !pendingTriggers.contains(m.forgetTimer)) {
            // one timer per key and time: events pending at that instant still need it
            ctx.timerService().deleteEventTimeTimer(m.forgetTimer);
        }
        m = new MusterState();
        m.active = true;
        m.triggerIncident = alert.incidentId();
        m.startedAt = alert.eventTime();
        missing.clear();
        for (Map.Entry<String, String> w : whereabouts.entries()) {
            if (plan.zones().contains(w.getValue())) {
                missing.put(w.getKey(), w.getValue());
            }
        }
        if (missing.isEmpty()) {
            // nobody inside the evacuated zones: nobody to account for, so no incident (an ALARM that opened and
            // closed within a millisecond paged officers about "0 people not accounted for")
            m.active = false;
            m.lastSignal = m.startedAt;
        } else {
            send(m, Level.ALARM, m.startedAt, out);
        }
        m.forgetTimer = m.lastSignal + IncidentLifecycle.DEFAULT_FORGET_AFTER.toMillis();
        ctx.timerService().registerEventTimeTimer(m.forgetTimer);
        muster.update(m);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        List<PresenceEvent> events = pendingPresence.get(timestamp);
        if (events != null) {
            pendingPresence.remove(timestamp);
            for (PresenceEvent e : events) {
                apply(e, out);
            }
        }
        List<Alert> alerts = pendingTriggers.get(timestamp);
        if (alerts != null) {
            pendingTriggers.remove(timestamp);
            for (Alert a : alerts) {
                start(a, ctx, out);
            }
        }
        MusterState m = muster.value();
        if (m != null && timestamp == m.forgetTimer) {
            missing.clear();
            muster.clear();
        }
    }

    /** Sends the current list; an empty one ends the muster. */
    private void report(MusterState m, long time, Collector<Signal> out) throws Exception {
        boolean done = missing.isEmpty();
        send(m, done ? Level.NORMAL : Level.ALARM, time, out);
        if (done) {
            m.active = false;
        }
    }

    private void send(MusterState m, Level level, long time, Collector<Signal> out) throws Exception {
        m.lastSignal = Math.max(m.lastSignal, time);
        List<String> people = new ArrayList<>(new TreeSet<>(listOf(missing.keys())));
        out.collect(new Signal(RfidRules.MUSTER, RfidRules.kind(RfidRules.MUSTER), site.id(), site.id(),
                String.join(",", new TreeSet<>(plan.zones())), RfidRules.kind(RfidRules.MUSTER), "people", level,
                level == Level.NORMAL, people.size(), 0, null, m.lastSignal, false, 0, people));
    }

    private static <T> List<T> listOf(Iterable<T> it) {
        List<T> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    private boolean person(PresenceEvent e) {
        return e.group() == null || site.group(e.group()).map(Site.TagGroup::personal).orElse(true);
    }
}

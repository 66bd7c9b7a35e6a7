package io.vigil.job.rfid;

import io.vigil.job.detect.Signal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The common part of the per-tag warning detectors with timers (key = tag id): presence events are buffered until
 * the watermark passes them and applied in event-time order, interleaved with the detector's own event-time timers.
 * Without that, a tag's next event (sent on by a presence subtask that is ahead) could be applied before a timer
 * that the slower subtasks still hold back, and a missing asset back home would never have been missing.
 */
public abstract class PresenceDetector extends KeyedProcessFunction<String, PresenceEvent, Signal> {
    private static final long serialVersionUID = 1L;
    private transient MapState<Long, List<PresenceEvent>> pending;

    /** One presence event of this tag, in event-time order. */
    protected abstract void onPresence(PresenceEvent e, Context ctx, Collector<Signal> out) throws Exception;

    /** One of the detector's own event-time timers, after the presence events of the same instant. */
    protected abstract void onDetectorTimer(long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception;

    protected abstract void openState();

    @Override
    public final void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-presence", Types.LONG,
                Types.LIST(TypeInformation.of(PresenceEvent.class))));
        openState();
    }

    @Override
    public final void processElement(PresenceEvent e, Context ctx, Collector<Signal> out) throws Exception {
        long ts = e.eventTime();
        if (ts <= ctx.timerService().currentWatermark()) {
            // presence events are sent at the watermark that released them, so this is not late: apply it now
            onPresence(e, ctx, out);
            return;
        }
        List<PresenceEvent> due = pending.get(ts);
        if (due == null) {
            due = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        if (e.kind() == PresenceKind.EXPECTED) {
            due.add(0, e); // the clock starts before anything else of its instant is judged
        } else {
            due.add(e);
        }
        pending.put(ts, due);
    }

    @Override
    public final void onTimer(long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        if (ctx.timeDomain() != TimeDomain.EVENT_TIME) {
            return;
        }
        List<PresenceEvent> due = pending.get(ts);
        if (due != null) {
            pending.remove(ts);
            for (PresenceEvent e : due) {
                onPresence(e, ctx, out);
            }
        }
        onDetectorTimer(ts, ctx, out);
    }

    /** Deletes a detector timer unless buffered events still need that instant (one timer per key and time). */
    protected final void deleteTimer(Context ctx, long ts) throws Exception {
        if (ts != TagPresence.NONE && !pending.contains(ts)) {
            ctx.timerService().deleteEventTimeTimer(ts);
        }
    }
}

package io.vigil.job.group;

import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Signal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the anomalous series of one group of one {@code group_anomaly} rule (key {@link MemberChange#groupKey},
 * {@code rule:group:metric}) from the changes the series evaluator sends, and turns the count into signals for the
 * group's incident, which the {@link IncidentLifecycle} downstream drives like the muster's (members, acknowledgements,
 * escalation, report).
 *
 * <p>Event time: a change waits until the watermark passes it, then the changes of the group are applied in
 * event-time order ({@link GroupMembers#advance}), so series read at different rates or on different partitions
 * give the same alerts live and replayed. A change that arrives after the watermark passed it (its series was judged
 * late) is applied at once, at the group's current time. One state entry and at most one event-time timer per group;
 * both are cleared when no member counts and no incident is to be followed up. At the end of a bounded input the
 * changes still waiting are applied and the rest is dropped: the end of a replay is not time passing.
 */
public final class GroupAnomalyWatch extends KeyedProcessFunction<String, MemberChange, Signal> {
    private static final long serialVersionUID = 1L;
    static final ValueStateDescriptor<GroupMembers> STATE = new ValueStateDescriptor<>("group",
            GroupMembersSerializer.INSTANCE);
    private static final long NONE = GroupMembers.NONE;

    private final long forgetAfterMs;
    private transient ValueState<GroupMembers> group;

    public GroupAnomalyWatch() {
        this(IncidentLifecycle.DEFAULT_FORGET_AFTER);
    }

    /** @param forgetAfter how long a member whose spell never ended still counts (its series' evaluator forgets it as long) */
    public GroupAnomalyWatch(Duration forgetAfter) {
        this.forgetAfterMs = forgetAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        group = getRuntimeContext().getState(STATE);
    }

    @Override
    public void processElement(MemberChange change, Context ctx, Collector<Signal> out) throws Exception {
        GroupMembers g = group.value();
        if (g == null) {
            g = new GroupMembers();
        }
        g.add(change);
        long watermark = ctx.timerService().currentWatermark();
        if (change.eventTime() <= watermark) {
            emit(g.advance(watermark == Long.MAX_VALUE ? change.eventTime() : watermark, forgetAfterMs), out);
        }
        keepOrClear(g, ctx.timerService());
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        GroupMembers g = group.value();
        if (g == null || ts != g.timer) {
            return;
        }
        g.timer = NONE;
        long watermark = ctx.timerService().currentWatermark();
        if (watermark == Long.MAX_VALUE) {
            long lastChange = NONE;
            for (MemberChange c : g.pending) {
                lastChange = Math.max(lastChange, c.eventTime());
            }
            if (lastChange != NONE) {
                emit(g.advance(lastChange, forgetAfterMs), out);
            }
            group.clear();
            return;
        }
        emit(g.advance(watermark, forgetAfterMs), out);
        keepOrClear(g, ctx.timerService());
    }

    private static void emit(List<Signal> signals, Collector<Signal> out) {
        signals.forEach(out::collect);
    }

    private void keepOrClear(GroupMembers g, TimerService timers) throws Exception {
        long next = g.empty() ? NONE : g.nextDue(forgetAfterMs);
        if (next != g.timer) {
            if (g.timer != NONE) {
                timers.deleteEventTimeTimer(g.timer);
            }
            if (next != NONE) {
                timers.registerEventTimeTimer(next);
            }
            g.timer = next;
        }
        if (g.empty()) {
            group.clear();
        } else {
            group.update(g);
        }
    }
}

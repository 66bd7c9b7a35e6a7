package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.InvalidRulesException;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The common part of every detector (key {@code ruleId|deviceId/metric}): a reading is buffered until the
 * watermark passes its timestamp, then readings are evaluated in timestamp order (ties in arrival order). Live
 * input, replays and restarts therefore give the same signals. A reading already behind the watermark is late:
 * counted, not evaluated, since evaluating it would reorder history.
 *
 * <p>A detector with state names how long a silent series keeps it ({@link #forgetAfter}); the state is then
 * {@link #clear cleared}, so silent series do not pile up. A reading that comes after a longer silence finds the
 * state cleared, exactly as if the forget timer had fired. The forget timer itself is lazy: one stays armed while
 * the series speaks and, when it fires early, is moved to {@code last reading + forgetAfter} — so a series costs one
 * timer move per {@code forgetAfter} instead of a delete and a register per reading (the profile of
 * {@code bin/vigil bench job} showed the per-reading re-arming among the job's timer costs).
 *
 * <p>Rules can be replaced while the job runs: the second (broadcast) input carries the pushed rules documents
 * and each reading is judged by the rule in force when the watermark releases it ({@link LiveRules}). A changed
 * rule keeps the key's state: it holds recent readings, which the new parameters apply to from the next reading
 * on. A removed rule's readings are no longer judged and its state goes with the forget timer.
 *
 * <p>A new detector kind implements {@link #kind}, {@link #onReading} and, if it keeps state, {@link #openState},
 * {@link #forgetAfter} and {@link #clear}; it gets its rule as {@code onReading}'s first argument.
 */
public abstract class EventTimeDetector
        extends KeyedBroadcastProcessFunction<String, RuleReading, RulesUpdate, Signal> {
    private static final long serialVersionUID = 1L;
    private final LiveRules rules;
    private transient MapState<Long, List<Reading>> pending;
    /** {@link LazyForget}'s state while the series has detector state. */
    private transient ValueState<long[]> forget;
    private transient Counter late;

    /** @param rules the rules in force until a rules document is pushed */
    protected EventTimeDetector(RuleSet rules) {
        this.rules = new LiveRules(rules);
    }

    /** The rule kind this detector serves, e.g. {@code threshold}. */
    public abstract String kind();

    /** Evaluates one reading of a series {@code rule} (the rule in force now) watches, in event-time order. */
    protected abstract void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out)
            throws Exception;

    /** A detector's own timer fired (not a pending reading, not the forget timer). */
    protected void onDetectorTimer(Rule rule, long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception {}

    /** How long the state of a silent series is kept, or null to keep it (stateless detectors: null). */
    protected Duration forgetAfter(Rule rule) {
        return null;
    }

    /** Drops this key's detector state. */
    protected void clear() {}

    protected void openState() {}

    @Override
    public final void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(TypeInformation.of(Reading.class))));
        forget = getRuntimeContext().getState(new ValueStateDescriptor<>("forget",
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        late = getRuntimeContext().getMetricGroup().counter("lateReadings");
        openState();
    }

    @Override
    public final void processElement(RuleReading in, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        long ts = in.reading().eventTime();
        if (ts <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        List<Reading> due = pending.get(ts);
        if (due == null) {
            due = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        due.add(in.reading());
        pending.put(ts, due);
    }

    @Override
    public final void onTimer(long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        RuleSet inForce = rules.current(ctx.getBroadcastState(LiveRules.STATE));
        Rule rule = inForce.rule(RuleReading.ruleIdOf(ctx.getCurrentKey()));
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            List<Reading> due = pending.get(ts);
            if (due != null) {
                pending.remove(ts);
                if (rule != null) {
                    forgetIfSilentBefore(rule, ts);
                    for (Reading r : due) {
                        // routed under the rules of a moment ago: the rule may since watch other series
                        if (rule.matches(r)) {
                            onReading(rule, r, ctx, out);
                        }
                    }
                    keepUntilSilent(rule, ts, ctx);
                }
                return;
            }
            long[] f = forget.value();
            if (LazyForget.isTimer(f, ts)) {
                Duration after = rule == null ? null : forgetAfter(rule);
                long[] moved = after == null ? null : LazyForget.fired(f, ts, after.toMillis(), ctx.timerService());
                if (moved == null) {
                    forget.clear();
                    clear();
                } else {
                    forget.update(moved);
                }
                return;
            }
        }
        if (rule != null) {
            onDetectorTimer(rule, ts, ctx, out);
        }
    }

    @Override
    public final void processBroadcastElement(RulesUpdate update, Context ctx, Collector<Signal> out) throws Exception {
        try {
            rules.apply(ctx.getBroadcastState(LiveRules.STATE), update);
        } catch (InvalidRulesException e) {
            // the rule matcher audits it; the rules in force stay
        }
    }

    /** Clears the state of a series that was silent longer than the rule's forget time before {@code ts}. */
    private void forgetIfSilentBefore(Rule rule, long ts) throws Exception {
        Duration after = forgetAfter(rule);
        if (after != null && LazyForget.silentBefore(forget.value(), ts, after.toMillis())) {
            forget.clear();
            clear();
        }
    }

    /** Notes the series spoke at {@code lastSeen}; arms a forget timer only if none is armed ahead of it. */
    private void keepUntilSilent(Rule rule, long lastSeen, OnTimerContext ctx) throws Exception {
        Duration after = forgetAfter(rule);
        if (after != null) {
            forget.update(LazyForget.used(forget.value(), lastSeen, after.toMillis(), ctx.timerService(),
                    at -> !pending.contains(at)));
        }
    }

    /**
     * Deletes an event-time timer the detector set for itself, unless readings wait for that same time: Flink
     * keeps one timer per key and time, so deleting it would strand them. (Readings that arrive in a burst, say
     * a backlog from Kafka, are pending well ahead of the watermark and do share times with these timers.)
     */
    protected final void deleteOwnTimer(TimerService timers, long ts) throws Exception {
        if (!pending.contains(ts)) {
            timers.deleteEventTimeTimer(ts);
        }
    }

    protected static Signal signal(Rule rule, String kind, Reading r, Level level, boolean cleared, double limit,
                                   Long eta) {
        return new Signal(rule.id(), kind, r.deviceId(), r.site(), r.zone(), r.metric(), r.unit(), level, cleared,
                r.value(), limit, eta, r.eventTime(), false, r.receiveTime());
    }
}

package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.IncidentReport;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesChange;
import io.vigil.job.rules.Threshold;
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
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident lifecycle as an operator for pipelines that produce {@link Signal}s in a stream of their own (the
 * RFID pipeline: occupancy, dwell, missing assets, mustering), keyed {@code rule:device:metric}. It buffers the
 * signals until the watermark passes their event time and applies those of one event time together through the
 * {@link IncidentMachine} — the same machine the readings pipeline's series evaluator runs inline.
 *
 * <p>Duty officers' acknowledgements arrive on the same keyed input (keyed by the incident id's series part);
 * this operator owns the machine's escalation timers (processing time) and a forget timer per key (event time).
 * Acknowledgements and escalations also go to the {@link #AUDIT} side output.
 *
 * <p>The broadcast input carries pushed rules documents ({@link LiveRules}). Incidents of unchanged rules go on
 * untouched; an incident of a changed rule keeps its phase and id; an open incident of a removed rule is CLOSED at
 * once and its state is dropped.
 */
public final class IncidentLifecycle extends KeyedBroadcastProcessFunction<String, IncidentInput, RulesUpdate, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IncidentLifecycle.class);
    public static final OutputTag<AuditEvent> AUDIT = new OutputTag<>("audit", TypeInformation.of(AuditEvent.class));
    /** A series silent this long in event time is forgotten, open incident or not. */
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofHours(24);

    private static final ValueStateDescriptor<IncidentState> INCIDENT =
            new ValueStateDescriptor<>("incident", IncidentStateSerializer.INSTANCE);

    private final LiveRules rules;
    private final long forgetAfterMs;
    /** The rules in force for the call being handled. */
    private transient RuleSet inForce;
    private transient ValueState<IncidentState> incident;
    private transient MapState<Long, List<Signal>> pending;
    private transient Counter forgotten;
    private transient Counter ignoredAcks;
    private transient AlertMetrics metrics;
    private transient IncidentMachine machine;
    /** Where the machine's transitions go during the call being handled. */
    private transient Collector<Alert> out;
    private transient Context broadcastContext;
    private transient ReadOnlyContext context;

    public IncidentLifecycle(RuleSet rules) {
        this(rules, DEFAULT_FORGET_AFTER);
    }

    /** @param rules the rules in force until a rules document is pushed */
    public IncidentLifecycle(RuleSet rules, Duration forgetAfter) {
        this.rules = new LiveRules(rules);
        this.forgetAfterMs = forgetAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        incident = getRuntimeContext().getState(INCIDENT);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-signals", Types.LONG,
                Types.LIST(TypeInformation.of(Signal.class))));
        forgotten = getRuntimeContext().getMetricGroup().counter("silentSeriesForgotten");
        ignoredAcks = getRuntimeContext().getMetricGroup().counter("acknowledgementsIgnored");
        metrics = new AlertMetrics(getRuntimeContext().getMetricGroup());
        machine = new IncidentMachine(new IncidentMachine.Output() {
            @Override
            public void alert(Alert alert, Signal driver) {
                out.collect(alert);
                metrics.published(driver);
            }

            @Override
            public void audit(AuditEvent event) {
                if (context != null) {
                    context.output(AUDIT, event);
                } else if (broadcastContext != null) {
                    broadcastContext.output(AUDIT, event);
                }
            }
        });
    }

    @Override
    public void processElement(IncidentInput in, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        enter(ctx, out);
        if (in.signal() != null) {
            onSignal(in.signal(), ctx);
        } else if (in.ack() != null) {
            onAcknowledgement(in.ack(), ctx);
        }
    }

    private void enter(ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        inForce = rules.current(ctx.getBroadcastState(LiveRules.STATE));
        this.out = out;
        this.context = ctx;
        this.broadcastContext = null;
    }

    private void onSignal(Signal signal, ReadOnlyContext ctx) throws Exception {
        long ts = signal.eventTime();
        if (signal.immediate() || ts <= ctx.timerService().currentWatermark()) {
            apply(ts, List.of(signal), ctx);
            return;
        }
        List<Signal> due = pending.get(ts);
        if (due == null) {
            due = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        due.add(signal);
        pending.put(ts, due);
    }

    private void onAcknowledgement(Acknowledgement ack, ReadOnlyContext ctx) throws Exception {
        IncidentState s = incident.value();
        long escalation = s == null ? IncidentState.NONE : s.escalationTimer;
        if (!machine.acknowledge(s, ack)) {
            ignoredAcks.inc();
            LOG.info("acknowledgement by {} of {} ignored: no such open incident", ack.by(), ack.incidentId());
            return;
        }
        rearmEscalation(ctx.timerService(), escalation, s.escalationTimer);
        incident.update(s);
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        enter(ctx, out);
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            IncidentState s = incident.value();
            if (s == null || ts != s.escalationTimer) {
                return;
            }
            machine.escalate(s, s.last == null ? null : inForce.rule(s.last.ruleId()), ts);
            if (s.escalationTimer != IncidentState.NONE) {
                ctx.timerService().registerProcessingTimeTimer(s.escalationTimer);
            }
            incident.update(s);
            return;
        }
        List<Signal> due = pending.get(ts);
        if (due != null) {
            pending.remove(ts);
            apply(ts, due, ctx);
            return;
        }
        IncidentState s = incident.value();
        if (s != null && ts == s.forgetTimer && s.lastSeen + forgetAfterMs > ts) {
            // the series spoke since this timer was set (it is moved lazily, not per signal)
            s.forgetTimer = s.lastSeen + forgetAfterMs;
            ctx.timerService().registerEventTimeTimer(s.forgetTimer);
            incident.update(s);
            return;
        }
        if (s != null && ts == s.forgetTimer && pending.isEmpty()) {
            LOG.debug("forgetting {} in phase {}: silent since {}", ctx.getCurrentKey(), s.phase, s.lastSeen);
            forgotten.inc();
            if (s.escalationTimer != IncidentState.NONE) {
                ctx.timerService().deleteProcessingTimeTimer(s.escalationTimer);
            }
            incident.clear();
        }
    }

    @Override
    public void processBroadcastElement(RulesUpdate update, Context ctx, Collector<Alert> out) throws Exception {
        RulesChange change;
        try {
            change = rules.apply(ctx.getBroadcastState(LiveRules.STATE), update);
        } catch (InvalidConfigFileException e) {
            return; // the rules in force stay
        }
        inForce = change.after();
        if (change.removed().isEmpty() && change.changed().isEmpty()) {
            return;
        }
        this.out = out;
        this.context = null;
        this.broadcastContext = ctx;
        ctx.applyToKeyedState(INCIDENT, (key, state) -> {
            String ruleId = key.substring(0, key.indexOf(':'));
            IncidentState s = state.value();
            if (change.isRemoved(ruleId)) {
                machine.closeRemoved(change.before().rule(ruleId), change.before(), s, update.by());
                state.clear();
                pending.clear(); // the state function runs with this key current
            } else if (change.isChanged(ruleId) && s != null) {
                IncidentState kept = IncidentMachine.changed(change.after().rule(ruleId), s);
                if (kept == null) {
                    state.clear();
                } else {
                    state.update(kept);
                }
            }
        });
    }

    private void apply(long ts, List<Signal> signals, ReadOnlyContext ctx) throws Exception {
        IncidentState s = incident.value();
        long armed = s == null ? IncidentState.NONE : s.forgetTimer;
        long escalation = s == null ? IncidentState.NONE : s.escalationTimer;
        Rule rule = inForce.rule(signals.get(0).ruleId());
        long now = ctx.timerService().currentProcessingTime();
        IncidentState next;
        if (rule != null) {
            next = machine.apply(rule, inForce, s, signals, ts, now);
        } else {
            next = s == null || s.quiet() ? null : s;
        }
        if (next == null) {
            disarm(ctx, armed);
            if (escalation != IncidentState.NONE) {
                ctx.timerService().deleteProcessingTimeTimer(escalation);
            }
            incident.clear();
            return;
        }
        next.lastSeen = Math.max(next.lastSeen, ts);
        rearmEscalation(ctx.timerService(), escalation, next.escalationTimer);
        // one forget timer stays armed while signals come; when it fires early it moves to lastSeen + forget time
        long forgetAt = next.lastSeen + forgetAfterMs;
        if (armed == IncidentState.NONE || armed <= ts || armed > forgetAt) {
            disarm(ctx, armed);
            ctx.timerService().registerEventTimeTimer(forgetAt);
            next.forgetTimer = forgetAt;
        }
        incident.update(next);
    }

    private static void rearmEscalation(TimerService timers, long before, long after) {
        if (before == after) {
            return;
        }
        if (before != IncidentState.NONE) {
            timers.deleteProcessingTimeTimer(before);
        }
        if (after != IncidentState.NONE) {
            timers.registerProcessingTimeTimer(after);
        }
    }

    /** Deletes the forget timer, unless signals wait for that same time (one timer per key and time). */
    private void disarm(ReadOnlyContext ctx, long forgetTimer) throws Exception {
        if (forgetTimer != IncidentState.NONE && !pending.contains(forgetTimer)) {
            ctx.timerService().deleteEventTimeTimer(forgetTimer);
        }
    }
}

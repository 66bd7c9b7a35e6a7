package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.IncidentReport;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.InvalidRulesException;
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
 * The incident lifecycle of one series under one rule (key {@code rule:device:metric}): merges the signals of
 * the rule's detectors into NORMAL → PRE_WARNING → ALARM → RECOVERING → CLOSED, one {@link Alert} per
 * transition, one deterministic incident id {@code rule:device:metric:start} from the first sign to CLOSED.
 *
 * <p>Signals are applied in event-time order once the watermark passes them; the signals of one event time are
 * applied together (the latest signal of each detector is kept, the most concerned one drives), so their arrival
 * order does not matter. The combined level must stay at ALARM for the threshold's {@code for} before ALARM, and
 * every detector must stay cleared for {@code clear_for} before CLOSED.
 *
 * <p>Duty officers' acknowledgements arrive on the same keyed input (keyed by the incident id's series part). An
 * unacknowledged ALARM is re-notified with escalation level +1 every {@code escalate_after} of processing time:
 * escalation is about people answering in wall-clock time, and event time would stand still while a silent site
 * holds the watermark back, or rush through escalations while a backlog is replayed. Acknowledgements and
 * escalations also go to the {@link #AUDIT} side output.
 *
 * <p>The broadcast input carries pushed rules documents ({@link LiveRules}). Incidents of unchanged rules go on
 * untouched. An incident of a changed rule keeps its phase and id; the new definition applies from its next
 * signal, and the latest opinions of detectors the rule no longer has are dropped. An open incident of a removed
 * rule is CLOSED at once (at the event time of its last signal, its report covering what happened until then)
 * and its state is dropped.
 */
public final class IncidentLifecycle extends KeyedBroadcastProcessFunction<String, IncidentInput, RulesUpdate, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IncidentLifecycle.class);
    public static final OutputTag<AuditEvent> AUDIT = new OutputTag<>("audit", TypeInformation.of(AuditEvent.class));
    /** A series silent this long in event time is forgotten, open incident or not. */
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofHours(24);
    static final String PRE_WARNING_SEVERITY = "warning";
    private static final Comparator<Signal> CONCERN = Comparator.comparing(Signal::level)
            .thenComparingLong(Signal::eventTime)
            .thenComparing(s -> s.detector().equals(Threshold.KIND))
            .thenComparing(Signal::detector, Comparator.reverseOrder());

    private static final ValueStateDescriptor<IncidentState> INCIDENT =
            new ValueStateDescriptor<>("incident", IncidentStateSerializer.INSTANCE);

    private final LiveRules rules;
    private final long forgetAfterMs;
    /** The rules in force for the call being handled. */
    private transient RuleSet inForce;
    private transient ValueState<IncidentState> incident;
    private transient MapState<Long, List<Signal>> pending;
    private static final int LATENCY_WINDOW = 1000;
    private transient Counter alerts;
    private transient Counter forgotten;
    private transient Counter ignoredAcks;
    private transient Histogram alertLatencyMs;

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
        alerts = getRuntimeContext().getMetricGroup().counter("alerts");
        forgotten = getRuntimeContext().getMetricGroup().counter("silentSeriesForgotten");
        ignoredAcks = getRuntimeContext().getMetricGroup().counter("acknowledgementsIgnored");
        alertLatencyMs = getRuntimeContext().getMetricGroup().histogram("alertLatencyMs",
                new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    @Override
    public void processElement(IncidentInput in, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        inForce = rules.current(ctx.getBroadcastState(LiveRules.STATE));
        if (in.signal() != null) {
            onSignal(in.signal(), ctx, out);
        } else if (in.ack() != null) {
            onAcknowledgement(in.ack(), ctx, out);
        }
    }

    private void onSignal(Signal signal, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        long ts = signal.eventTime();
        if (signal.immediate() || ts <= ctx.timerService().currentWatermark()) {
            apply(ts, List.of(signal), ctx, ctx.timerService().currentProcessingTime(), out);
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

    private void onAcknowledgement(Acknowledgement ack, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        IncidentState s = incident.value();
        if (s == null || s.last == null || s.phase == Phase.NORMAL || !s.last.incidentId().equals(ack.incidentId())) {
            ignoredAcks.inc();
            LOG.info("acknowledgement by {} of {} ignored: no such open incident", ack.by(), ack.incidentId());
            return;
        }
        if (s.acknowledgedBy != null) {
            return; // already acknowledged (or the control topic was replayed after a restart)
        }
        s.acknowledgedBy = ack.by();
        s.acknowledgedAt = ack.at();
        if (s.escalationTimer != IncidentState.NONE) {
            ctx.timerService().deleteProcessingTimeTimer(s.escalationTimer);
            s.escalationTimer = IncidentState.NONE;
        }
        reissue(s, out);
        incident.update(s);
        ctx.output(AUDIT, new AuditEvent("ACKNOWLEDGED", ack.incidentId(), ack.by(), ack.at(), ack.source(),
                ack.comment() == null ? "" : ack.comment()));
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        inForce = rules.current(ctx.getBroadcastState(LiveRules.STATE));
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            escalate(ts, ctx, out);
            return;
        }
        List<Signal> due = pending.get(ts);
        if (due != null) {
            pending.remove(ts);
            apply(ts, due, ctx, ts, out);
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
        } catch (InvalidRulesException e) {
            return; // the rule matcher audits it; the rules in force stay
        }
        inForce = change.after();
        if (change.removed().isEmpty() && change.changed().isEmpty()) {
            return;
        }
        ctx.applyToKeyedState(INCIDENT, (key, state) -> {
            String ruleId = key.substring(0, key.indexOf(':'));
            IncidentState s = state.value();
            if (change.isRemoved(ruleId)) {
                closeRemoved(change.before().rule(ruleId), change.before(), s, update, out);
                state.clear();
                pending.clear(); // the state function runs with this key current
            } else if (change.isChanged(ruleId) && s != null) {
                Rule rule = change.after().rule(ruleId);
                s.latest.keySet().removeIf(kind -> !rule.has(kind));
                if (s.quiet()) {
                    state.clear();
                } else {
                    state.update(s);
                }
            }
        });
    }

    /** CLOSED for an open incident whose rule was removed, judged by the rule as it was. */
    private void closeRemoved(Rule rule, RuleSet before, IncidentState s, RulesUpdate update, Collector<Alert> out) {
        if (s == null || s.phase == Phase.NORMAL || s.last == null) {
            return;
        }
        Signal driver = null;
        for (Signal sig : s.latest.values()) {
            if (driver == null || CONCERN.compare(sig, driver) > 0) {
                driver = sig;
            }
        }
        if (driver == null) { // every detector it had was dropped by an earlier change: the last alert speaks
            Alert a = s.last;
            driver = new Signal(a.ruleId(), "removed", a.subject(), a.site(), a.zone(), a.metric(), null, Level.NORMAL,
                    true, a.value(), a.limit(), null, a.eventTime(), false, 0L);
        }
        inForce = before;
        Threshold th = rule.threshold();
        emit(rule, s, driver, Math.max(s.lastSeen, s.last.eventTime()), Phase.CLOSED,
                th != null ? th.clear() : driver.limit(), null, out,
                "closed: rule " + rule.id() + " was removed by " + update.by());
        LOG.info("closed {}: its rule was removed by {}", s.last.incidentId(), update.by());
    }

    private void apply(long ts, List<Signal> signals, ReadOnlyContext ctx, long now, Collector<Alert> out)
            throws Exception {
        IncidentState s = incident.value();
        if (s == null) {
            s = new IncidentState();
        }
        long armed = s.forgetTimer;
        Rule rule = inForce.rule(signals.get(0).ruleId());
        if (rule != null) {
            for (Signal signal : signals) {
                if (!rule.has(signal.detector())) {
                    continue; // sent before the rule lost this detector
                }
                Signal before = s.latest.get(signal.detector());
                if (before == null || before.eventTime() <= signal.eventTime()) {
                    s.latest.put(signal.detector(), signal);
                }
            }
            s = evaluate(rule, s, ts, ctx, out);
        }
        s.lastSeen = Math.max(s.lastSeen, ts);
        if (s.quiet()) {
            disarm(ctx, armed);
            incident.clear();
            return;
        }
        // one forget timer stays armed while signals come; when it fires early it moves to lastSeen + forget time
        long forgetAt = s.lastSeen + forgetAfterMs;
        if (armed == IncidentState.NONE || armed <= ts || armed > forgetAt) {
            disarm(ctx, armed);
            ctx.timerService().registerEventTimeTimer(forgetAt);
            s.forgetTimer = forgetAt;
        }
        incident.update(s);
    }

    /** Deletes the forget timer, unless signals wait for that same time (one timer per key and time). */
    private void disarm(ReadOnlyContext ctx, long forgetTimer) throws Exception {
        if (forgetTimer != IncidentState.NONE && !pending.contains(forgetTimer)) {
            ctx.timerService().deleteEventTimeTimer(forgetTimer);
        }
    }

    /** Applies the merged signals of one event time; returns the state to continue with (fresh after CLOSED). */
    private IncidentState evaluate(Rule rule, IncidentState s, long t, ReadOnlyContext ctx, Collector<Alert> out) {
        Signal driver = null;
        boolean cleared = true;
        for (Signal sig : s.latest.values()) {
            cleared &= sig.cleared();
            if (driver == null || CONCERN.compare(sig, driver) > 0) {
                driver = sig;
            }
        }
        Level level = driver.level();
        Phase before = s.phase;
        Threshold th = rule.threshold();
        double clearLevel = th != null ? th.clear() : driver.limit();
        switch (s.phase) {
            case NORMAL, PRE_WARNING -> {
                if (level == Level.ALARM) {
                    if (s.breachSince == IncidentState.NONE) {
                        s.breachSince = t;
                    }
                    if (t - s.breachSince >= rule.holdFor().toMillis()) {
                        if (s.incidentStart == IncidentState.NONE) {
                            s.incidentStart = s.breachSince;
                        }
                        s.reachedAlarm = true;
                        emit(rule, s, driver, t, Phase.ALARM, driver.limit(), ctx.timerService(), out);
                    } else if (s.phase == Phase.NORMAL && rule.warns()) {
                        s.incidentStart = t;
                        s.warnLimit = th != null && th.hasWarn() ? th.warn() : driver.limit();
                        emit(rule, s, driver, t, Phase.PRE_WARNING, s.warnLimit, ctx.timerService(), out);
                    }
                } else {
                    s.breachSince = IncidentState.NONE;
                    if (s.phase == Phase.NORMAL && level == Level.WARN) {
                        s.incidentStart = t;
                        s.warnLimit = driver.limit();
                        emit(rule, s, driver, t, Phase.PRE_WARNING, s.warnLimit, ctx.timerService(), out);
                    } else if (s.phase == Phase.PRE_WARNING && level == Level.NORMAL) {
                        emit(rule, s, driver, t, Phase.CLOSED, s.warnLimit, ctx.timerService(), out);
                        return fresh(s);
                    }
                }
            }
            case ALARM -> {
                if (cleared) {
                    s.clearSince = t;
                    emit(rule, s, driver, t, Phase.RECOVERING, clearLevel, ctx.timerService(), out);
                    return closeIfCleared(rule, s, driver, t, clearLevel, ctx, out);
                }
            }
            case RECOVERING -> {
                if (level == Level.ALARM) {
                    s.clearSince = IncidentState.NONE;
                    emit(rule, s, driver, t, Phase.ALARM, driver.limit(), ctx.timerService(), out);
                } else if (cleared) {
                    if (s.clearSince == IncidentState.NONE) {
                        s.clearSince = t;
                    }
                    return closeIfCleared(rule, s, driver, t, clearLevel, ctx, out);
                } else {
                    s.clearSince = IncidentState.NONE;
                }
            }
            default -> throw new IllegalStateException("unexpected phase " + s.phase);
        }
        if (s.phase == before && s.phase != Phase.NORMAL && driver.members() != null
                && !driver.members().equals(s.members)) {
            // a group changed within one phase (a muster's missing people): officers need the live list
            emit(rule, s, driver, t, s.phase, s.last.limit(), ctx.timerService(), out);
        }
        if (s.phase != Phase.NORMAL) {
            count(rule, s, driver, t);
        }
        return s;
    }

    private IncidentState closeIfCleared(Rule rule, IncidentState s, Signal driver, long t, double clearLevel,
                                         ReadOnlyContext ctx, Collector<Alert> out) {
        if (t - s.clearSince >= rule.clearFor().toMillis()) {
            emit(rule, s, driver, t, Phase.CLOSED, clearLevel, ctx.timerService(), out);
            return fresh(s);
        }
        count(rule, s, driver, t);
        return s;
    }

    /** After CLOSED: the series is NORMAL again; the detectors' latest opinions still count. */
    private static IncidentState fresh(IncidentState closed) {
        IncidentState s = new IncidentState();
        s.latest = closed.latest;
        s.forgetTimer = closed.forgetTimer;
        s.lastSeen = closed.lastSeen;
        return s;
    }

    /** Counts an event time of the open incident once, and follows its peak. */
    private static void count(Rule rule, IncidentState s, Signal driver, long t) {
        if (s.countedAt == t) {
            return;
        }
        s.countedAt = t;
        s.readings++;
        if (Double.isNaN(s.peakValue) || rule.direction().beyond(driver.value(), s.peakValue)) {
            s.peakValue = driver.value();
            s.peakAt = t;
        }
    }

    private void emit(Rule rule, IncidentState s, Signal driver, long t, Phase phase, double level,
                      TimerService timers, Collector<Alert> out) {
        emit(rule, s, driver, t, phase, level, timers, out, null);
    }

    /**
     * Publishes a transition.
     *
     * @param timers null where timers cannot be set (a rules update): no escalation timer is then touched
     * @param note   appended to the description, e.g. why an incident was closed; null for none
     */
    private void emit(Rule rule, IncidentState s, Signal driver, long t, Phase phase, double level,
                      TimerService timers, Collector<Alert> out, String note) {
        if (phase == Phase.PRE_WARNING && s.firstPreWarningAt == IncidentState.NONE) {
            s.firstPreWarningAt = t;
        }
        if (phase == Phase.ALARM && s.alarmAt == IncidentState.NONE) {
            s.alarmAt = t;
        }
        count(rule, s, driver, t);
        s.phase = phase;
        if (driver.members() != null) {
            s.members = driver.members();
            driver.members().stream().filter(m -> !s.everMembers.contains(m)).forEach(s.everMembers::add);
        }
        String severity = s.reachedAlarm ? rule.severity() : PRE_WARNING_SEVERITY;
        String department = inForce.departmentOf(rule, driver.zone());
        double alarmLimit = rule.threshold() != null ? rule.threshold().limit() : driver.limit();
        Long eta = phase == Phase.PRE_WARNING || phase == Phase.ALARM ? driver.eta() : null;
        String id = s.incidentId(driver.seriesKey());
        IncidentReport report = phase == Phase.CLOSED ? report(id, rule, s, driver, department, t) : null;
        Alert alert = new Alert(id, rule.id(), driver.deviceId(), driver.site(), driver.zone(), driver.metric(), phase,
                severity, driver.value(), level, t, s.incidentStart,
                AlertText.render(rule.summary(), rule, driver, phase, severity, alarmLimit, level, eta, department),
                AlertText.render(rule.description(), rule, driver, phase, severity, alarmLimit, level, eta, department)
                        + (note == null ? "" : " (" + note + ")"),
                department, eta, s.acknowledgedBy, s.escalation, report);
        s.last = alert;
        out.collect(alert);
        alerts.inc();
        if (driver.receiveTime() > 0) {
            // the pipeline's end-to-end latency: gateway receipt of the deciding reading to its alert leaving here
            alertLatencyMs.update(System.currentTimeMillis() - driver.receiveTime());
        }
        if (timers == null) {
            return;
        }
        if (phase == Phase.ALARM && rule.escalateAfter() != null && s.acknowledgedBy == null
                && s.escalationTimer == IncidentState.NONE) {
            s.escalationTimer = timers.currentProcessingTime() + rule.escalateAfter().toMillis();
            timers.registerProcessingTimeTimer(s.escalationTimer);
        }
        if (phase == Phase.CLOSED && s.escalationTimer != IncidentState.NONE) {
            timers.deleteProcessingTimeTimer(s.escalationTimer);
            s.escalationTimer = IncidentState.NONE;
        }
    }

    private static IncidentReport report(String id, Rule rule, IncidentState s, Signal driver, String department,
                                         long closedAt) {
        Long pre = s.firstPreWarningAt == IncidentState.NONE ? null : s.firstPreWarningAt;
        Long alarm = s.alarmAt == IncidentState.NONE ? null : s.alarmAt;
        Long ackAt = s.acknowledgedAt == IncidentState.NONE ? null : s.acknowledgedAt;
        Long toAck = ackAt == null ? null : ackAt - (alarm != null ? alarm : s.incidentStart);
        // a group incident reports everyone it concerned (a muster: who was missing), else its one device
        List<String> devices = s.everMembers.isEmpty() ? List.of(driver.deviceId()) : List.copyOf(s.everMembers);
        return new IncidentReport(id, rule.id(), driver.deviceId(), driver.site(), driver.zone(), department,
                devices, pre, alarm, pre != null && alarm != null ? alarm - pre : null,
                s.peakValue, s.peakAt, s.incidentStart, closedAt, closedAt - s.incidentStart, ackAt,
                s.acknowledgedBy, toAck, s.readings);
    }

    private void escalate(long ts, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        IncidentState s = incident.value();
        if (s == null || ts != s.escalationTimer) {
            return;
        }
        s.escalationTimer = IncidentState.NONE;
        Rule rule = s.last == null ? null : inForce.rule(s.last.ruleId());
        if (rule == null || rule.escalateAfter() == null || s.acknowledgedBy != null || s.phase != Phase.ALARM) {
            incident.update(s);
            return;
        }
        s.escalation++;
        reissue(s, out);
        s.escalationTimer = ts + rule.escalateAfter().toMillis();
        ctx.timerService().registerProcessingTimeTimer(s.escalationTimer);
        incident.update(s);
        ctx.output(AUDIT, new AuditEvent("ESCALATED", s.last.incidentId(), "vigil", ts, "job",
                "escalation level " + s.escalation + ": not acknowledged within " + rule.escalateAfter()));
    }

    /** Publishes the current phase again with the acknowledgement and escalation level now known. */
    private void reissue(IncidentState s, Collector<Alert> out) {
        Alert a = s.last;
        s.last = new Alert(a.incidentId(), a.ruleId(), a.subject(), a.site(), a.zone(), a.metric(), a.phase(),
                a.severity(), a.value(), a.limit(), a.eventTime(), a.startedAt(), a.summary(), a.description(),
                a.department(), a.eta(), s.acknowledgedBy, s.escalation, a.report());
        out.collect(s.last);
        alerts.inc();
    }
}

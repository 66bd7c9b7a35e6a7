package io.vigil.job.series;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.detect.AlertMetrics;
import io.vigil.job.detect.AnomalyDetector;
import io.vigil.job.detect.Detector;
import io.vigil.job.detect.FlatlineDetector;
import io.vigil.job.detect.ForecastDetector;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.IncidentMachine;
import io.vigil.job.detect.IncidentState;
import io.vigil.job.detect.NoDataDetector;
import io.vigil.job.detect.RangeDetector;
import io.vigil.job.detect.RateDetector;
import io.vigil.job.detect.RuleState;
import io.vigil.job.detect.Signal;
import io.vigil.job.detect.ThresholdDetector;
import io.vigil.job.group.MemberChange;
import io.vigil.job.rules.Condition;
import io.vigil.job.rules.GroupAnomaly;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the readings pipeline does for one series (key {@code device/metric}), in one operator: orders the
 * series' readings, scores each once with the series' anomaly model, runs every matching rule's detectors
 * (plain Java, {@link Detector}) and drives each rule's incident through the {@link IncidentMachine}.
 *
 * <p><b>Order.</b> A reading is judged in its series' own order, on arrival: a device's readings leave its MQTT
 * session in order, the gateway's plain subscription takes them on one connection and sends them to one Kafka
 * partition in that order, so nothing is waited for and no other device's clock can hold a series back or move it
 * on. Gateways on a shared subscription can reorder a device's burst; there the job runs with a short settling
 * window ({@link #SETTLE}, the job's {@code --settle}) that puts those back in order first. A reading older than the
 * series' last judged one is late: stored (the series sink is upstream), counted in {@code lateReadings}, not judged
 * — judging it would rewrite history. The same input in the same per-series order gives the same alerts live and
 * replayed.
 *
 * <p><b>Timers.</b> Decisions that no reading triggers keep timers, at most one of each domain per series, moved
 * lazily: a series silent past a rule's no-data timeout (event time: when the watermark passes {@code last reading
 * + timeout}; processing time as a fallback when the whole site is silent), escalation of an unacknowledged ALARM
 * (processing time), and forgetting a silent series (event time: its rules' state after {@link
 * IncidentLifecycle#DEFAULT_FORGET_AFTER} or twice its longest no-data timeout, its model after {@link
 * AnomalySettings#forgetAfter}).
 *
 * <p><b>Inputs.</b> The keyed input carries readings and duty officers' acknowledgements (routed to the series of
 * their incident); the broadcast input carries pushed rules documents ({@link LiveRules}): a valid one is put in
 * force and audited RULES_CHANGED, an invalid one RULES_REJECTED; open incidents of removed rules are CLOSED.
 * Outputs: alerts; {@link #AUDIT}, {@link #SCORES} and {@link #GROUP_CHANGES} as side outputs.
 */
public final class SeriesEvaluator extends KeyedBroadcastProcessFunction<String, SeriesInput, RulesUpdate, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SeriesEvaluator.class);
    public static final OutputTag<AuditEvent> AUDIT = IncidentLifecycle.AUDIT;
    public static final OutputTag<AnomalyScore> SCORES = new OutputTag<>("anomaly-scores",
            TypeInformation.of(AnomalyScore.class));
    /** For {@code group_anomaly} rules: a series turned anomalous or stopped, only when that changes. */
    public static final OutputTag<MemberChange> GROUP_CHANGES = new OutputTag<>("group-anomaly-changes",
            TypeInformation.of(MemberChange.class));
    /**
     * The settling window for gateways on a shared subscription: they take a device's readings from several
     * connections in parallel, so a burst can reach Kafka out of order (EndToEndTest's quick publishes did); judged on
     * arrival, the earlier reading of such a pair would be late and never judged. 100 ms is a chosen bound, not a
     * measured spread: a reordering wider than it still loses a reading. It costs a timer or two per reading, which
     * is why the default (the plain subscription, in order) judges on arrival.
     */
    public static final Duration SETTLE = Duration.ofMillis(100);
    static final ValueStateDescriptor<SeriesState> STATE = new ValueStateDescriptor<>("series",
            SeriesStateSerializer.INSTANCE);
    private static final long NONE = SeriesState.NONE;
    private static final Map<String, Detector> DETECTORS = byKind(new ThresholdDetector(), new RateDetector(),
            new ForecastDetector(), new NoDataDetector(), new FlatlineDetector(), new RangeDetector(),
            new AnomalyDetector());

    private final LiveRules rules;
    private final boolean scoring;
    private final AnomalySettings anomaly;
    private final long forgetAfterMs;
    private final long settleMs;

    private transient ValueState<SeriesState> series;
    private transient Counter late;
    private transient Counter notANumber;
    private transient Counter ignoredAcks;
    private transient Counter forgotten;
    private transient AlertMetrics metrics;
    private transient IncidentMachine machine;
    private transient boolean audits;
    /** The rules in force and where alerts go, for the call being handled. */
    private transient RuleSet inForce;
    private transient Collector<Alert> out;
    private transient List<AuditEvent> audit;
    private transient List<Signal> signals;
    /** {@link #shortestMemoryMs()} of the rule set {@code memoryOf}. */
    private transient RuleSet memoryOf;
    private transient long shortestMemoryMs;

    /** Judges each reading on arrival, without a settling window. */
    public SeriesEvaluator(RuleSet rules, boolean scoring, AnomalySettings anomaly, Duration forgetAfter) {
        this(rules, scoring, anomaly, forgetAfter, Duration.ZERO);
    }

    /**
     * @param forgetAfter how long the state of a silent series is kept under its rules (at least)
     * @param settle      how long a reading waits, in processing time, for readings of its series that the gateway
     *                    handled in parallel and sent to Kafka out of order; it is judged at once when event time
     *                    has passed it. Zero: judged on arrival
     */
    public SeriesEvaluator(RuleSet rules, boolean scoring, AnomalySettings anomaly, Duration forgetAfter,
                           Duration settle) {
        this.rules = new LiveRules(rules);
        this.scoring = scoring;
        this.anomaly = anomaly;
        this.forgetAfterMs = forgetAfter.toMillis();
        this.settleMs = settle.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        series = getRuntimeContext().getState(STATE);
        var group = getRuntimeContext().getMetricGroup();
        late = group.counter("lateReadings");
        notANumber = group.counter("readingsNotANumber");
        ignoredAcks = group.counter("acknowledgementsIgnored");
        forgotten = group.counter("silentSeriesForgotten");
        metrics = new AlertMetrics(group);
        audits = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        audit = new ArrayList<>();
        signals = new ArrayList<>(4);
        machine = new IncidentMachine(new IncidentMachine.Output() {
            @Override
            public void alert(Alert alert, Signal driver) {
                out.collect(alert);
                metrics.published(driver);
            }

            @Override
            public void audit(AuditEvent event) {
                audit.add(event);
            }
        });
    }

    @Override
    public void processElement(SeriesInput in, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        inForce = rules.current(ctx.getBroadcastState(LiveRules.STATE));
        this.out = out;
        if (in.reading() != null) {
            onReading(in.reading(), ctx);
        } else if (in.ack() != null) {
            onAcknowledgement(in.ack(), ctx);
        }
        flushAudit(ctx);
    }

    private void onReading(Reading r, ReadOnlyContext ctx) throws Exception {
        if (!Double.isFinite(r.value())) {
            notANumber.inc(); // nothing to compare with a level; the series sink stored what it could
            return;
        }
        SeriesState s = series.value();
        if (s == null) {
            s = new SeriesState();
        } else if (r.eventTime() < s.lastJudged()) {
            late.inc();
            return;
        }
        if (settleMs > 0) {
            s.settle(r);
            if (s.settleAt == NONE) {
                s.settleAt = ctx.timerService().currentProcessingTime() + settleMs;
            }
            arm(s, ctx.timerService());
            series.update(s);
            return;
        }
        judge(s, r, ctx, ctx.timerService());
        keepOrClear(s, ctx.timerService());
    }

    /** Judges the settled readings up to event time {@code upTo} in their order; later ones keep settling. */
    private void judgeSettled(SeriesState s, long upTo, ReadOnlyContext ctx, TimerService timers) throws Exception {
        for (Reading r : s.drainSettled(upTo)) {
            if (r.eventTime() < s.lastJudged()) {
                late.inc();
            } else {
                judge(s, r, ctx, timers);
            }
        }
        if (!s.settling()) {
            s.settleAt = NONE;
        }
    }

    /** Stores the series' state and arms its timers, or clears both when nothing is left to remember. */
    private void keepOrClear(SeriesState s, TimerService timers) throws Exception {
        if (s.empty()) {
            // nothing to remember (no model, every rule quiet): no state, no timer
            deleteTimers(s, timers);
            series.clear();
            return;
        }
        arm(s, timers);
        series.update(s);
    }

    private void judge(SeriesState s, Reading r, ReadOnlyContext ctx, TimerService timers) throws Exception {
        long t = r.eventTime();
        long now = timers.currentProcessingTime();
        List<Rule> matching = inForce.matching(r);
        if (s.lastJudged() != NONE) {
            // A gap in the series' own readings is a silence, whether or not event time got there first: when this
            // series runs ahead of the watermark (a backlog read faster on its partition) the timer would come too
            // late, so the gap raises it — the same ALARM at the same event time, once, then this reading clears it.
            // Checked per reading only when the gap exceeds the shortest no-data timeout: almost never
            if (t - s.lastJudged() > inForce.shortestNoDataTimeoutMs()) {
                noticeSilence(s, t - 1, s.lastJudged(), false, now);
            }
            if (t - s.lastJudged() > shortestMemoryMs()) {
                forgetIfSilent(s, t);
            }
        }
        SeriesAnomaly.Assessment assessed = null;
        if (scoring || watchesForAnomalies(matching)) {
            if (s.model == null) {
                s.model = new SeriesAnomaly(anomaly);
            }
            assessed = s.model.update(t, r.value());
            if (scoring) {
                ctx.output(SCORES, new AnomalyScore(r.deviceId(), r.site(), r.zone(), r.metric(), t, r.value(),
                        assessed.score(), r.unit(), r.eventNanos()));
            }
        }
        for (Rule rule : matching) {
            RuleState rs = s.rules.get(rule.id());
            if (rs == null) {
                rs = new RuleState();
            }
            signals.clear();
            for (Condition c : rule.conditions()) {
                Detector d = DETECTORS.get(c.kind());
                Signal signal = d == null ? null : d.onReading(rule, r, rs, assessed);
                if (signal != null) {
                    signals.add(signal);
                }
            }
            if (!signals.isEmpty()) {
                rs.incident = machine.apply(rule, inForce, rs.incident, signals, t, now);
            }
            GroupAnomaly group = rule.groupAnomaly();
            MemberChange change = group == null ? null : MemberChange.of(rule, group, r, rs, assessed);
            if (change != null) {
                ctx.output(GROUP_CHANGES, change);
            }
            if (rs.empty() && NoDataDetector.deadline(rule, rs, t) == NONE) {
                s.rules.remove(rule.id());
            } else {
                s.rules.put(rule.id(), rs);
            }
        }
        s.lastArrival = now;
        s.last = r;
    }


    private void onAcknowledgement(Acknowledgement ack, ReadOnlyContext ctx) throws Exception {
        SeriesState s = series.value();
        if (s != null) {
            for (RuleState rs : s.rules.values()) {
                if (machine.acknowledge(rs.incident, ack)) {
                    arm(s, ctx.timerService());
                    series.update(s);
                    return;
                }
            }
        }
        ignoredAcks.inc();
        LOG.info("acknowledgement by {} of {} ignored: no such open incident in series {}", ack.by(),
                ack.incidentId(), ctx.getCurrentKey());
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        inForce = rules.current(ctx.getBroadcastState(LiveRules.STATE));
        this.out = out;
        SeriesState s = series.value();
        if (s == null) {
            return;
        }
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            if (ts != s.eventTimer) {
                return;
            }
            s.eventTimer = NONE;
            if (s.settling() && s.firstSettling() <= ts) {
                // event time has passed them: nothing earlier can come. Later ones wait for their own time, so a
                // silence due before them is noticed first, however far ahead of the watermark the series has run
                judgeSettled(s, ts, ctx, ctx.timerService());
            }
            // end of input (a bounded replay) is not silence
            if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
                noticeSilence(s, ts, s.lastJudged(), false, ctx.timerService().currentProcessingTime());
            }
            forgetAt(s, ts, ctx.getCurrentKey());
        } else {
            if (ts != s.processingTimer) {
                return;
            }
            s.processingTimer = NONE;
            if (s.settling() && s.settleAt <= ts) {
                judgeSettled(s, Long.MAX_VALUE, ctx, ctx.timerService());
            }
            for (Map.Entry<String, RuleState> e : s.rules.entrySet()) {
                machine.escalate(e.getValue().incident, inForce.rule(e.getKey()), ts);
            }
            noticeSilence(s, ts, s.lastArrival, true, ts);
        }
        keepOrClear(s, ctx.timerService());
        flushAudit(ctx);
    }

    /**
     * ALARM for each rule whose no-data timeout has passed at {@code ts}, counted from {@code since} (the last
     * reading's event time, or its arrival for the processing-time fallback).
     */
    private void noticeSilence(SeriesState s, long ts, long since, boolean immediate, long now) {
        if (s.last == null) {
            return;
        }
        for (Map.Entry<String, RuleState> e : s.rules.entrySet()) {
            Rule rule = inForce.rule(e.getKey());
            NoData noData = rule == null ? null : rule.noData();
            RuleState rs = e.getValue();
            if (noData == null || since + noData.timeoutMs() > ts) {
                continue;
            }
            Signal silence = NoDataDetector.silence(rule, rs, s.last, immediate);
            if (silence != null) {
                rs.incident = machine.apply(rule, inForce, rs.incident, List.of(silence), silence.eventTime(), now);
            }
        }
    }

    @Override
    public void processBroadcastElement(RulesUpdate update, Context ctx, Collector<Alert> out) throws Exception {
        RulesChange change;
        try {
            change = rules.apply(ctx.getBroadcastState(LiveRules.STATE), update);
            audit(ctx, new AuditEvent("RULES_CHANGED", update.source(), update.by(), update.at(), Topics.CONTROL,
                    change.summary()));
        } catch (InvalidConfigFileException e) {
            audit(ctx, new AuditEvent("RULES_REJECTED", update.source(), update.by(), update.at(), Topics.CONTROL,
                    e.getMessage()));
            return;
        }
        inForce = change.after();
        if (change.removed().isEmpty() && change.changed().isEmpty()) {
            return;
        }
        this.out = out;
        ctx.applyToKeyedState(STATE, (key, state) -> {
            SeriesState s = state.value();
            if (s == null) {
                return;
            }
            for (Iterator<Map.Entry<String, RuleState>> it = s.rules.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, RuleState> e = it.next();
                RuleState rs = e.getValue();
                if (change.isRemoved(e.getKey())) {
                    machine.closeRemoved(change.before().rule(e.getKey()), change.before(), rs.incident, update.by());
                    it.remove();
                } else if (change.isChanged(e.getKey())) {
                    rs.incident = IncidentMachine.changed(change.after().rule(e.getKey()), rs.incident);
                }
            }
            // timers already armed for the series find nothing due, or what is due, when they fire
            if (s.empty()) {
                state.clear();
            } else {
                state.update(s);
            }
        });
    }

    private void audit(Context ctx, AuditEvent event) {
        if (audits) { // every parallel instance applies every document; one audits it
            LOG.info("{} by {} from {}: {}", event.kind(), event.by(), event.subject(), event.detail());
            ctx.output(AUDIT, event);
        }
    }

    private void flushAudit(ReadOnlyContext ctx) {
        for (AuditEvent e : audit) {
            ctx.output(AUDIT, e);
        }
        audit.clear();
    }

    private static boolean watchesForAnomalies(List<Rule> matching) {
        for (Rule rule : matching) {
            if (rule.scores()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The shortest silence after which anything of a series is forgotten under the rules in force: a shorter gap
     * (nearly every reading) has nothing to forget, so the per-rule walk is skipped.
     */
    private long shortestMemoryMs() {
        if (memoryOf != inForce) {
            long shortest = Math.min(anomaly.forgetAfter().toMillis(), forgetAfterMs);
            for (Rule rule : inForce.rules()) {
                for (Condition c : rule.conditions()) {
                    Detector d = DETECTORS.get(c.kind());
                    if (d != null) {
                        shortest = Math.min(shortest, d.memoryMs(rule));
                    }
                }
            }
            shortestMemoryMs = shortest;
            memoryOf = inForce;
        }
        return shortestMemoryMs;
    }

    /** Before judging a reading at {@code t}: drops what a silence that long would have cleared. */
    private void forgetIfSilent(SeriesState s, long t) {
        long silent = t - s.lastJudged();
        if (s.model != null && silent > anomaly.forgetAfter().toMillis()) {
            s.model = null;
        }
        for (Iterator<Map.Entry<String, RuleState>> it = s.rules.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, RuleState> e = it.next();
            Rule rule = inForce.rule(e.getKey());
            if (rule == null || silent > forgetAfter(rule)) {
                it.remove();
                continue;
            }
            for (Condition c : rule.conditions()) {
                Detector d = DETECTORS.get(c.kind());
                if (d != null) {
                    d.forgetIfSilent(rule, e.getValue(), silent);
                }
            }
        }
    }

    /** The event timer fired at {@code ts}: forgets what has been silent long enough. */
    private void forgetAt(SeriesState s, long ts, String key) {
        long silent = ts - s.lastJudged();
        if (s.model != null && silent >= anomaly.forgetAfter().toMillis()) {
            s.model = null;
        }
        for (Iterator<Map.Entry<String, RuleState>> it = s.rules.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, RuleState> e = it.next();
            Rule rule = inForce.rule(e.getKey());
            if (rule == null || silent >= forgetAfter(rule)) {
                IncidentState incident = e.getValue().incident;
                if (incident != null) {
                    forgotten.inc();
                    LOG.debug("forgetting {} of {} in phase {}: silent since {}", e.getKey(), key, incident.phase,
                            s.lastJudged());
                }
                it.remove();
            }
        }
    }

    /** How long a silent series keeps what {@code rule} knows of it: the forget time, or twice its no-data timeout. */
    private long forgetAfter(Rule rule) {
        NoData noData = rule.noData();
        long twice = noData == null ? 0 : 2 * noData.timeoutMs();
        return Math.max(forgetAfterMs, twice);
    }

    /**
     * Arms the series' one timer of each domain for its earliest deadline, or deletes it when nothing is due any more.
     * A timer already armed earlier stays: when it fires early it finds nothing due and is moved on, which costs
     * less than a delete and a register per reading.
     */
    private void arm(SeriesState s, TimerService timers) {
        long event = Long.MAX_VALUE;
        long processing = Long.MAX_VALUE;
        boolean behind = behind(s);
        if (s.model != null) {
            event = s.lastJudged() + anomaly.forgetAfter().toMillis();
        }
        for (Map.Entry<String, RuleState> e : s.rules.entrySet()) {
            Rule rule = inForce.rule(e.getKey());
            RuleState rs = e.getValue();
            event = Math.min(event, rule == null ? s.lastJudged() : s.lastJudged() + forgetAfter(rule));
            if (rule != null) {
                long silence = NoDataDetector.deadline(rule, rs, s.lastJudged());
                if (silence != NONE) {
                    // at the end of input nothing is silent
                    if (!behind && timers.currentWatermark() != Long.MAX_VALUE) {
                        event = Math.min(event, silence);
                    }
                    processing = Math.min(processing, s.lastArrival + (silence - s.lastJudged()));
                }
            }
            if (rs.incident != null && rs.incident.escalationTimer != IncidentState.NONE) {
                processing = Math.min(processing, rs.incident.escalationTimer);
            }
        }
        if (s.settling()) {
            event = Math.min(event, s.firstSettling());
            processing = Math.min(processing, s.settleAt);
        }
        if (event == Long.MAX_VALUE && s.eventTimer != NONE) {
            timers.deleteEventTimeTimer(s.eventTimer); // nothing left to wait for
            s.eventTimer = NONE;
        }
        if (processing == Long.MAX_VALUE && s.processingTimer != NONE) {
            timers.deleteProcessingTimeTimer(s.processingTimer);
            s.processingTimer = NONE;
        }
        if (event != Long.MAX_VALUE && (s.eventTimer == NONE || s.eventTimer > event)) {
            if (s.eventTimer != NONE) {
                timers.deleteEventTimeTimer(s.eventTimer);
            }
            timers.registerEventTimeTimer(event);
            s.eventTimer = event;
        }
        if (processing != Long.MAX_VALUE && (s.processingTimer == NONE || s.processingTimer > processing)) {
            if (s.processingTimer != NONE) {
                timers.deleteProcessingTimeTimer(s.processingTimer);
            }
            timers.registerProcessingTimeTimer(processing);
            s.processingTimer = processing;
        }
    }

    /**
     * Whether the reading just judged was already a no-data timeout old when the gateway received it: the device's
     * clock is behind (or it uploads what it buffered). It is not silent — it just spoke — so only the wall clock
     * watches it for silence; on event time it would flap offline and back with every reading. Judged by the
     * reading's own two times, not by when the job got to it, so a Kafka backlog changes nothing.
     */
    private boolean behind(SeriesState s) {
        Reading r = s.last;
        if (r == null || r.receiveTime() <= 0) {
            return false;
        }
        for (String ruleId : s.rules.keySet()) {
            Rule rule = inForce.rule(ruleId);
            NoData noData = rule == null ? null : rule.noData();
            if (noData != null && r.receiveTime() - r.eventTime() >= noData.timeoutMs()) {
                return true;
            }
        }
        return false;
    }

    private static void deleteTimers(SeriesState s, TimerService timers) {
        if (s.eventTimer != NONE) {
            timers.deleteEventTimeTimer(s.eventTimer);
        }
        if (s.processingTimer != NONE) {
            timers.deleteProcessingTimeTimer(s.processingTimer);
        }
    }

    private static Map<String, Detector> byKind(Detector... detectors) {
        Map<String, Detector> m = new java.util.HashMap<>();
        for (Detector d : detectors) {
            m.put(d.kind(), d);
        }
        return Map.copyOf(m);
    }
}

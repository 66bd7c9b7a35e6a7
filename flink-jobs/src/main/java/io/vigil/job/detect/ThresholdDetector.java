package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Reading;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.Threshold;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident lifecycle of one series under one threshold rule (key {@code ruleId|deviceId/metric}):
 * NORMAL → PRE_WARNING → ALARM → RECOVERING → CLOSED, one {@link Alert} per transition.
 *
 * <p>Deterministic in event time: a reading is buffered until the watermark passes its timestamp, then readings
 * are evaluated in timestamp order (ties in arrival order). Live input, replays and restarts therefore give the
 * same alerts. A reading already behind the watermark is late: it is counted and not evaluated, since evaluating
 * it would reorder history.
 */
public final class ThresholdDetector extends KeyedProcessFunction<String, RuleReading, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdDetector.class);
    /** A series silent this long in event time is forgotten, open incident or not. */
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofHours(24);
    static final String PRE_WARNING_SEVERITY = "warning";
    private static final int LATENCY_WINDOW = 1000;

    private final RuleSet rules;
    private final long forgetAfterMs;
    private transient ValueState<SeriesState> series;
    private transient MapState<Long, List<Reading>> pending;
    private transient Counter late;
    private transient Counter alerts;
    private transient Counter forgotten;
    private transient Histogram alertLatencyMs;

    public ThresholdDetector(RuleSet rules) {
        this(rules, DEFAULT_FORGET_AFTER);
    }

    public ThresholdDetector(RuleSet rules, Duration forgetAfter) {
        this.rules = rules;
        this.forgetAfterMs = forgetAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("series", SeriesState.class));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(TypeInformation.of(Reading.class))));
        late = getRuntimeContext().getMetricGroup().counter("lateReadings");
        alerts = getRuntimeContext().getMetricGroup().counter("alerts");
        forgotten = getRuntimeContext().getMetricGroup().counter("silentSeriesForgotten");
        alertLatencyMs = getRuntimeContext().getMetricGroup().histogram("alertLatencyMs",
                new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    @Override
    public void processElement(RuleReading in, Context ctx, Collector<Alert> out) throws Exception {
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
    public void onTimer(long ts, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Rule rule = rules.rule(RuleReading.ruleIdOf(ctx.getCurrentKey()));
        SeriesState s = series.value();
        if (s == null) {
            s = new SeriesState();
        }
        long armed = s.forgetTimer;
        List<Reading> due = pending.get(ts);
        if (due != null) {
            pending.remove(ts);
            if (rule != null && rule.condition() instanceof Threshold threshold) {
                for (Reading r : due) {
                    s = evaluate(rule, threshold, s, r, out);
                }
            }
            s.lastSeen = ts;
        } else if (ts == armed && pending.isEmpty()) {
            LOG.info("forgetting {} in phase {}: silent since {}", ctx.getCurrentKey(), s.phase, s.lastSeen);
            forgotten.inc();
            s = new SeriesState();
        }
        if (s.quiet()) {
            // nothing worth keeping; readings still pending keep their own state and timers
            disarm(ctx, armed, ts);
            series.clear();
            return;
        }
        long forgetAt = s.lastSeen + forgetAfterMs;
        if (armed != forgetAt) {
            disarm(ctx, armed, ts);
            ctx.timerService().registerEventTimeTimer(forgetAt);
        }
        s.forgetTimer = forgetAt;
        series.update(s);
    }

    private static void disarm(OnTimerContext ctx, long forgetTimer, long firing) {
        if (forgetTimer != SeriesState.NONE && forgetTimer != firing) {
            ctx.timerService().deleteEventTimeTimer(forgetTimer);
        }
    }

    /** Applies one reading; returns the state to continue with (a fresh one after CLOSED). */
    private SeriesState evaluate(Rule rule, Threshold th, SeriesState s, Reading r, Collector<Alert> out) {
        double v = r.value();
        long t = r.eventTime();
        Direction d = th.direction();
        boolean beyondLimit = d.beyond(v, th.limit());
        switch (s.phase) {
            case NORMAL, PRE_WARNING -> {
                if (beyondLimit) {
                    if (s.breachSince == SeriesState.NONE) {
                        s.breachSince = t;
                    }
                    if (t - s.breachSince >= th.holdFor().toMillis()) {
                        if (s.incidentStart == SeriesState.NONE) {
                            s.incidentStart = s.breachSince;
                        }
                        s.reachedAlarm = true;
                        emit(rule, th, s, r, Phase.ALARM, th.limit(), out);
                    } else if (s.phase == Phase.NORMAL && th.hasWarn()) {
                        s.incidentStart = t;
                        emit(rule, th, s, r, Phase.PRE_WARNING, th.warn(), out);
                    }
                } else {
                    s.breachSince = SeriesState.NONE;
                    boolean beyondWarn = th.hasWarn() && d.beyond(v, th.warn());
                    if (s.phase == Phase.NORMAL && beyondWarn) {
                        s.incidentStart = t;
                        emit(rule, th, s, r, Phase.PRE_WARNING, th.warn(), out);
                    } else if (s.phase == Phase.PRE_WARNING && !beyondWarn) {
                        emit(rule, th, s, r, Phase.CLOSED, th.warn(), out);
                        return new SeriesState();
                    }
                }
            }
            case ALARM -> {
                if (d.within(v, th.clear())) {
                    s.clearSince = t;
                    emit(rule, th, s, r, Phase.RECOVERING, th.clear(), out);
                    return closeIfCleared(rule, th, s, r, out);
                }
            }
            case RECOVERING -> {
                if (beyondLimit) {
                    s.clearSince = SeriesState.NONE;
                    emit(rule, th, s, r, Phase.ALARM, th.limit(), out);
                } else if (d.within(v, th.clear())) {
                    if (s.clearSince == SeriesState.NONE) {
                        s.clearSince = t;
                    }
                    return closeIfCleared(rule, th, s, r, out);
                } else {
                    s.clearSince = SeriesState.NONE;
                }
            }
            default -> throw new IllegalStateException("unexpected phase " + s.phase);
        }
        return s;
    }

    private SeriesState closeIfCleared(Rule rule, Threshold th, SeriesState s, Reading r, Collector<Alert> out) {
        if (r.eventTime() - s.clearSince >= th.clearFor().toMillis()) {
            emit(rule, th, s, r, Phase.CLOSED, th.clear(), out);
            return new SeriesState();
        }
        return s;
    }

    private void emit(Rule rule, Threshold th, SeriesState s, Reading r, Phase phase, double level,
                      Collector<Alert> out) {
        s.phase = phase;
        String severity = s.reachedAlarm ? rule.severity() : PRE_WARNING_SEVERITY;
        out.collect(new Alert(
                s.incidentId(rule.id(), r.deviceId(), r.metric()),
                rule.id(), r.deviceId(), r.site(), r.zone(), r.metric(),
                phase, severity, r.value(), level, r.eventTime(), s.incidentStart,
                AlertText.render(rule.summary(), rule, r, phase, severity, th.limit(), level),
                AlertText.render(rule.description(), rule, r, phase, severity, th.limit(), level)));
        alerts.inc();
        // the pipeline's end-to-end latency: gateway receipt of the deciding reading to its alert leaving here
        alertLatencyMs.update(System.currentTimeMillis() - r.receiveTime());
    }
}

package io.vigil.job;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.job.anomaly.AnomalyDetector;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.anomaly.AnomalyScorer;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.detect.EventTimeDetector;
import io.vigil.job.detect.FlatlineDetector;
import io.vigil.job.detect.ForecastDetector;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.NoDataDetector;
import io.vigil.job.detect.RangeDetector;
import io.vigil.job.detect.RateDetector;
import io.vigil.job.detect.RuleMatcher;
import io.vigil.job.detect.RuleReading;
import io.vigil.job.detect.Signal;
import io.vigil.job.detect.ThresholdDetector;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Vigil's pipeline as a function of its sources and sinks, so tests run it on in-memory ones: readings → series
 * sink; readings → rule matching → one keyed detector per kind in use (rule and series) → signals → incident
 * lifecycle (rule and series, with acknowledgements from the control stream) → alerts → every alert sink, and
 * acknowledgements and escalations → every audit sink; readings → anomaly scorer (series) → score sink.
 *
 * <p>Operator uids are fixed: a restart restores state into the same operators even after the job is rebuilt.
 */
public final class VigilJob {
    private VigilJob() {}

    /** The pipeline without a control stream or audit sinks. */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<Reading, ?, ?> readings,
                                          WatermarkStrategy<Reading> watermarks, Sink<Reading> seriesSink,
                                          List<Sink<Alert>> alertSinks, RuleSet rules) {
        return build(env, readings, watermarks, null, seriesSink, alertSinks, List.of(), rules);
    }

    /** The pipeline without anomaly scores. */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<Reading, ?, ?> readings,
                                          WatermarkStrategy<Reading> watermarks,
                                          Source<ControlMessage, ?, ?> control, Sink<Reading> seriesSink,
                                          List<Sink<Alert>> alertSinks, List<Sink<AuditEvent>> auditSinks,
                                          RuleSet rules) {
        return build(env, readings, watermarks, control, seriesSink, null, alertSinks, auditSinks, rules);
    }

    /**
     * Adds the pipeline to {@code env} and returns the alert stream (already connected to {@code alertSinks}).
     *
     * @param control   acknowledgements (and rule updates) from duty officers; null for none
     * @param scoreSink gets an anomaly score for every reading with a finite value, in event-time order per
     *                  series (keyed by device and metric); null: scores are not computed
     */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<Reading, ?, ?> readings,
                                          WatermarkStrategy<Reading> watermarks,
                                          Source<ControlMessage, ?, ?> control, Sink<Reading> seriesSink,
                                          Sink<AnomalyScore> scoreSink, List<Sink<Alert>> alertSinks,
                                          List<Sink<AuditEvent>> auditSinks, RuleSet rules) {
        DataStream<Reading> in = env.fromSource(readings, watermarks, "readings").uid("readings-source");
        in.sinkTo(seriesSink).name("series").uid("series-sink");
        if (scoreSink != null) {
            in.filter(r -> Double.isFinite(r.value())).name("scorable").uid("scorable")
                    .keyBy(Reading::seriesKey)
                    .process(new AnomalyScorer(AnomalySettings.defaults())).name("anomaly-scorer").uid("anomaly-scorer")
                    .sinkTo(scoreSink).name("anomaly-scores").uid("anomaly-score-sink");
        }
        DataStream<RuleReading> matched = in.flatMap(new RuleMatcher(rules)).name("match-rules").uid("rule-matcher");

        DataStream<Signal> signals = null;
        for (EventTimeDetector detector : List.of(new ThresholdDetector(rules), new RateDetector(rules),
                new ForecastDetector(rules), new NoDataDetector(rules), new FlatlineDetector(rules),
                new RangeDetector(rules), new AnomalyDetector(rules))) {
            String kind = detector.kind();
            if (rules.rules().stream().noneMatch(r -> r.has(kind))) {
                continue;
            }
            DataStream<Signal> out = matched
                    .filter(rr -> watches(rules.rule(rr.ruleId()), kind)).name("route-" + kind).uid("route-" + kind)
                    .keyBy(RuleReading::key)
                    .process(detector).name(kind + "-detector").uid(kind.replace('_', '-') + "-detector");
            signals = signals == null ? out : signals.union(out);
        }
        if (signals == null) {
            signals = in.flatMap(new Nothing<Reading, Signal>()).returns(Signal.class).name("no-rules").uid("no-rules");
        }

        DataStream<Acknowledgement> acks = control == null
                ? signals.flatMap(new Nothing<Signal, Acknowledgement>()).returns(Acknowledgement.class).name("no-control")
                : env.fromSource(control, neverHoldsBack(), "control").uid("control-source")
                        .flatMap(new Acknowledgements()).name("acknowledgements").uid("acknowledgements");
        SingleOutputStreamOperator<Alert> alerts = signals.keyBy(Signal::seriesKey)
                .connect(acks.keyBy(a -> Alert.seriesOf(a.incidentId())))
                .process(new IncidentLifecycle(rules)).name("incident-lifecycle").uid("incident-lifecycle");
        for (int i = 0; i < alertSinks.size(); i++) {
            alerts.sinkTo(alertSinks.get(i)).name("alerts-" + i).uid("alert-sink-" + i);
        }
        DataStream<AuditEvent> audit = alerts.getSideOutput(IncidentLifecycle.AUDIT);
        for (int i = 0; i < auditSinks.size(); i++) {
            audit.sinkTo(auditSinks.get(i)).name("audit-" + i).uid("audit-sink-" + i);
        }
        return alerts;
    }

    /** An empty stream that follows its input's watermarks, where the job has nothing to feed an input. */
    private static final class Nothing<I, O> implements org.apache.flink.api.common.functions.FlatMapFunction<I, O> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(I value, org.apache.flink.util.Collector<O> out) {}
    }

    private static boolean watches(Rule rule, String kind) {
        return rule != null && rule.has(kind);
    }

    /** Event time = {@link Reading#eventTime()}, bounded out-of-orderness, idle partitions do not stall. */
    public static WatermarkStrategy<Reading> watermarks(Duration maxOutOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Reading>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner((reading, previous) -> reading.eventTime())
                .withIdleness(idleness);
    }

    /**
     * The control stream is joined with the signals in one operator, whose watermark is the lower of its inputs'.
     * Acknowledgements are wall-clock events that must not hold event time back, so this input's watermark is
     * always at the end of time.
     */
    static <T> WatermarkStrategy<T> neverHoldsBack() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }
}

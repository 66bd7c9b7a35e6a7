package io.vigil.job;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.anomaly.AnomalyDetector;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.anomaly.AnomalyScorer;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.detect.EventTimeDetector;
import io.vigil.job.detect.FlatlineDetector;
import io.vigil.job.detect.ForecastDetector;
import io.vigil.job.detect.IncidentInput;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.NoDataDetector;
import io.vigil.job.detect.RangeDetector;
import io.vigil.job.detect.RateDetector;
import io.vigil.job.detect.RuleMatcher;
import io.vigil.job.detect.RuleReading;
import io.vigil.job.detect.ThresholdDetector;
import io.vigil.job.rfid.RfidRules;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Vigil's pipeline as a function of its sources and sinks, so tests run it on in-memory ones: readings → series
 * sink; readings → rule matching → one keyed detector per kind (rule and series) → signals → incident lifecycle
 * (rule and series, with acknowledgements from the control stream) → alerts → every alert sink, and
 * acknowledgements, escalations and rules changes → every audit sink. Rules documents on the control stream are
 * broadcast to the matcher, every detector and the lifecycle, which replace their rules in place;
 * readings → anomaly scorer (series) → score sink.
 *
 * <p>Operator uids are fixed: a restart restores state into the same operators even after the job is rebuilt.
 */
public final class VigilJob {
    /** The uid of the readings source's operator. */
    public static final String READINGS_SOURCE = "readings-source";

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
     * @param control   acknowledgements and rules documents from duty officers; null for none
     * @param scoreSink gets an anomaly score for every reading with a finite value, in event-time order per
     *                  series (keyed by device and metric); null: scores are not computed
     * @param rules     the rules in force until a rules document arrives on {@code control} (after a restore: until
     *                  the restored state says otherwise, see docs/rules.md)
     */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<Reading, ?, ?> readings,
                                          WatermarkStrategy<Reading> watermarks,
                                          Source<ControlMessage, ?, ?> control, Sink<Reading> seriesSink,
                                          Sink<AnomalyScore> scoreSink, List<Sink<Alert>> alertSinks,
                                          List<Sink<AuditEvent>> auditSinks, RuleSet rules) {
        // Every stream element is an immutable record, so chained operators may share one instance. Without this
        // Flink deep-copies each element (by reflection) for every chained consumer: the profile of `vigil bench job`
        // showed the rule matcher's thread spending most of its time copying each reading for the seven route filters.
        env.getConfig().enableObjectReuse();
        DataStream<Reading> in = env.fromSource(readings, watermarks, "readings").uid(READINGS_SOURCE);
        in.sinkTo(seriesSink).name("series").uid("series-sink");
        if (scoreSink != null) {
            in.filter(r -> Double.isFinite(r.value())).name("scorable").uid("scorable")
                    .keyBy(Reading::seriesKey)
                    .process(new AnomalyScorer(AnomalySettings.defaults())).name("anomaly-scorer").uid("anomaly-scorer")
                    .sinkTo(scoreSink).name("anomaly-scores").uid("anomaly-score-sink");
        }

        DataStream<Acknowledgement> acks;
        DataStream<RulesUpdate> updates;
        if (control == null) {
            acks = in.flatMap(new Nothing<Reading, Acknowledgement>()).returns(Acknowledgement.class).name("no-acks")
                    .uid("no-acks");
            updates = in.flatMap(new Nothing<Reading, RulesUpdate>()).returns(RulesUpdate.class)
                    .name("no-rules-updates").uid("no-rules-updates");
        } else {
            DataStream<ControlMessage> messages = env.fromSource(control, neverHoldsBack(), "control")
                    .uid("control-source");
            // the RFID pipeline's lifecycle acknowledges its own incidents (RfidJob); here they would count as ignored
            acks = messages.flatMap(new Acknowledgements()).name("acknowledgements").uid("acknowledgements")
                    .filter(ack -> !RfidRules.owns(ack.incidentId())).name("readings-acks").uid("readings-acks");
            updates = messages.flatMap(new RulesUpdates()).name("rules-updates").uid("rules-updates");
        }
        // every operator that judges by the rules hears every rules document, in the same order
        BroadcastStream<RulesUpdate> liveRules = updates.broadcast(LiveRules.STATE);

        SingleOutputStreamOperator<RuleReading> matched = in.connect(liveRules).process(new RuleMatcher(rules))
                .name("match-rules").uid("rule-matcher");
        DataStream<IncidentInput> incidentInput = acks.map(IncidentInput::of).name("acks").uid("acks");
        // every kind, in use or not: a pushed rule may use any of them
        for (EventTimeDetector detector : List.of(new ThresholdDetector(rules), new RateDetector(rules),
                new ForecastDetector(rules), new NoDataDetector(rules), new FlatlineDetector(rules),
                new RangeDetector(rules), new AnomalyDetector(rules))) {
            String kind = detector.kind();
            String id = kind.replace('_', '-');
            // wrapped where it is made (chained to the detector): one map after the union of all detectors was a
            // task of its own, i.e. one more network hop, serialised twice, for every signal
            incidentInput = incidentInput.union(matched
                    .filter(rr -> kind.equals(rr.kind())).name("route-" + kind).uid("route-" + kind)
                    .keyBy(RuleReading::key)
                    .connect(liveRules)
                    .process(detector).name(kind + "-detector").uid(id + "-detector")
                    .map(IncidentInput::of).name(kind + "-signals").uid(id + "-signals"));
        }

        SingleOutputStreamOperator<Alert> alerts = incidentInput.keyBy(IncidentInput::seriesKey)
                .connect(liveRules)
                .process(new IncidentLifecycle(rules)).name("incident-lifecycle").uid("incident-lifecycle");
        for (int i = 0; i < alertSinks.size(); i++) {
            alerts.sinkTo(alertSinks.get(i)).name("alerts-" + i).uid("alert-sink-" + i);
        }
        DataStream<AuditEvent> audit = alerts.getSideOutput(IncidentLifecycle.AUDIT)
                .union(matched.getSideOutput(IncidentLifecycle.AUDIT));
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

    /** Event time = {@link Reading#eventTime()}, bounded out-of-orderness, idle partitions do not stall. */
    public static WatermarkStrategy<Reading> watermarks(Duration maxOutOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Reading>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner((reading, previous) -> reading.eventTime())
                .withIdleness(idleness);
    }

    /**
     * The control stream joins the matcher, the detectors (rules documents, broadcast) and the lifecycle
     * (acknowledgements), whose watermark is the lower of their active inputs'. Control messages are wall-clock
     * events that must neither hold event time back nor move it, so this input is always idle and event time is the
     * readings' alone. (An end-of-time watermark here made
     * event time jump to the end whenever the readings went idle, e.g. during a Kafka outage longer than the
     * idleness timeout: every incident's forget timer fired and open incidents were dropped mid-ALARM.)
     */
    public static <T> WatermarkStrategy<T> neverHoldsBack() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        });
    }
}

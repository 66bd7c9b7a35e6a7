package io.vigil.job;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.detect.IncidentInput;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.group.GroupAnomalyWatch;
import io.vigil.job.group.MemberChange;
import io.vigil.job.rfid.RfidRules;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.series.SeriesEvaluator;
import io.vigil.job.series.SeriesInput;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Vigil's readings pipeline as a function of its sources and sinks, so tests run it on in-memory ones:
 * readings → series sink (chained to the source); readings and acknowledgements → keyed by series
 * ({@code device/metric}) → one {@link SeriesEvaluator} per series (anomaly score, every matching rule's detectors,
 * their incidents) → alerts → every alert sink; audit and anomaly scores as its side outputs. Rules documents on
 * the control stream are broadcast to the evaluator, which replaces its rules in place. One network hop and one
 * serialisation per reading between the source and an alert.
 *
 * <p>Groups ({@code group_anomaly} rules): the evaluator's changes of a series' anomalous state (only the changes)
 * → keyed by group → {@link GroupAnomalyWatch} (counts the group's anomalous series in event-time order) → signals
 * → an {@link IncidentLifecycle} of their own (the group incidents, their acknowledgements and rules documents) →
 * the same alert sinks, unioned with the series' alerts.
 *
 * <p>Operator uids are fixed: a restart restores state into the same operators even after the job is rebuilt.
 * Checkpoints of the earlier shape (one operator per detector kind, uids {@code *-detector}, {@code
 * incident-lifecycle}, {@code anomaly-scorer}) are not restored into this one: see docs/deploy.md.
 */
public final class VigilJob {
    /**
     * The settling window of a replay (backtest, evaluations): beyond any run, so only event time ends a reading's
     * wait and the result does not depend on the machine's speed.
     */
    public static final Duration REPLAY_SETTLE = Duration.ofDays(365);

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
     * @param scoreSink gets an anomaly score for every judged reading with a finite value, in order per series;
     *                  null: only series an {@code anomaly} rule watches are scored, and no score is stored
     * @param rules     the rules in force until a rules document arrives on {@code control} (after a restore: until
     *                  the restored state says otherwise, see docs/rules.md)
     */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<Reading, ?, ?> readings,
                                          WatermarkStrategy<Reading> watermarks,
                                          Source<ControlMessage, ?, ?> control, Sink<Reading> seriesSink,
                                          Sink<AnomalyScore> scoreSink, List<Sink<Alert>> alertSinks,
                                          List<Sink<AuditEvent>> auditSinks, RuleSet rules) {
        return build(env, readings, watermarks, control, seriesSink, scoreSink, alertSinks, auditSinks, rules,
                Duration.ZERO);
    }

    /**
     * The pipeline with the series evaluator's settling window set: how long, in processing time, a reading waits for
     * readings of its series that reached Kafka out of order (it is judged earlier once event time passes it). Zero,
     * the default, judges each reading on arrival: the gateway's plain subscription keeps a device's readings in
     * order; gateways on a shared subscription need {@link SeriesEvaluator#SETTLE}. A replay sets it beyond its own
     * run time, so only event time ends the wait and the result does not depend on the machine's speed.
     */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<Reading, ?, ?> readings,
                                          WatermarkStrategy<Reading> watermarks,
                                          Source<ControlMessage, ?, ?> control, Sink<Reading> seriesSink,
                                          Sink<AnomalyScore> scoreSink, List<Sink<Alert>> alertSinks,
                                          List<Sink<AuditEvent>> auditSinks, RuleSet rules, Duration settle) {
        // Every stream element is an immutable record, so chained operators may share one instance. Without this
        // Flink deep-copies each element (by reflection) for every chained consumer.
        env.getConfig().enableObjectReuse();
        DataStream<Reading> in = env.fromSource(readings, watermarks, "readings").uid(READINGS_SOURCE);
        in.sinkTo(seriesSink).name("series").uid("series-sink");

        // chained to the source (same parallelism, no exchange): each series' readings reach their key in the order
        // the source read them, which is what judging each series in order relies on
        DataStream<SeriesInput> input = in.map(SeriesInput::of).name("to-series").uid("to-series");
        DataStream<RulesUpdate> updates;
        DataStream<IncidentInput> groupAcks = null;
        if (control == null) {
            updates = in.flatMap(new Nothing<Reading, RulesUpdate>()).returns(RulesUpdate.class)
                    .name("no-rules-updates").uid("no-rules-updates");
        } else {
            DataStream<ControlMessage> messages = env.fromSource(control, EventTime.wallClockInput(), "control")
                    .uid("control-source");
            updates = messages.flatMap(new RulesUpdates()).name("rules-updates").uid("rules-updates");
            // the RFID pipeline's lifecycle acknowledges its own incidents (RfidJob); here they would count as ignored.
            // Which operator holds one of the others depends on its rule, and rules are pushed at run time: ack-split
            SingleOutputStreamOperator<Acknowledgement> acks = messages.flatMap(new Acknowledgements())
                    .name("acknowledgements").uid("acknowledgements")
                    .filter(ack -> !RfidRules.owns(ack.incidentId())).name("readings-acks").uid("readings-acks")
                    .connect(updates.broadcast(LiveRules.STATE)).process(new AckSplit(rules))
                    .name("ack-split").uid("ack-split");
            input = input.union(acks.flatMap(new AckRoutes()).name("ack-routes").uid("ack-routes"));
            groupAcks = acks.getSideOutput(AckSplit.GROUP).map(IncidentInput::of).name("group-acks")
                    .uid("group-acks");
        }
        BroadcastStream<RulesUpdate> liveRules = updates.broadcast(LiveRules.STATE);

        SingleOutputStreamOperator<Alert> alerts = input.keyBy(SeriesInput::seriesKey)
                .connect(liveRules)
                .process(new SeriesEvaluator(rules, scoreSink != null, AnomalySettings.defaults(),
                        IncidentLifecycle.DEFAULT_FORGET_AFTER, settle)).name("series-evaluator").uid("series-evaluator");
        // rules documents may add a group rule at any time, so the group operators are always there; without one
        // they get nothing. The watch's key is its group incident's key in the lifecycle (rule:group:metric)
        DataStream<IncidentInput> groupSignals = alerts.getSideOutput(SeriesEvaluator.GROUP_CHANGES)
                .keyBy(MemberChange::groupKey)
                .process(new GroupAnomalyWatch()).name("group-anomaly-watch").uid("group-anomaly-watch")
                .map(IncidentInput::of).name("group-signals").uid("group-signals");
        if (groupAcks != null) {
            groupSignals = groupSignals.union(groupAcks);
        }
        SingleOutputStreamOperator<Alert> groupAlerts = groupSignals.keyBy(IncidentInput::incidentKey)
                .connect(liveRules)
                .process(new IncidentLifecycle(rules)).name("group-incidents").uid("group-incidents");
        DataStream<Alert> allAlerts = alerts.union(groupAlerts);
        for (int i = 0; i < alertSinks.size(); i++) {
            allAlerts.sinkTo(alertSinks.get(i)).name("alerts-" + i).uid("alert-sink-" + i);
        }
        DataStream<AuditEvent> audit = alerts.getSideOutput(SeriesEvaluator.AUDIT)
                .union(groupAlerts.getSideOutput(IncidentLifecycle.AUDIT));
        for (int i = 0; i < auditSinks.size(); i++) {
            audit.sinkTo(auditSinks.get(i)).name("audit-" + i).uid("audit-sink-" + i);
        }
        if (scoreSink != null) {
            alerts.getSideOutput(SeriesEvaluator.SCORES).sinkTo(scoreSink).name("anomaly-scores")
                    .uid("anomaly-score-sink");
        }
        return allAlerts;
    }

    /** Event time = {@link Reading#eventTime()}, per {@link EventTime#devices}. */
    public static WatermarkStrategy<Reading> watermarks(Duration maxOutOfOrderness, Duration idleness) {
        return EventTime.devices(maxOutOfOrderness, idleness, (reading, previous) -> reading.eventTime());
    }

    /** Acknowledgements as inputs of the series evaluator, one per series their incident id can name. */
    private static final class AckRoutes
            implements org.apache.flink.api.common.functions.FlatMapFunction<Acknowledgement, SeriesInput> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Acknowledgement ack, org.apache.flink.util.Collector<SeriesInput> out) {
            SeriesInput.routes(ack).forEach(out::collect);
        }
    }
}

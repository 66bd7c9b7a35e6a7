package io.vigil.job;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.job.detect.RuleMatcher;
import io.vigil.job.detect.RuleReading;
import io.vigil.job.detect.ThresholdDetector;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Vigil's pipeline as a function of its sources and sinks, so tests run it on in-memory ones:
 * readings → series sink, and readings → rule matching → per rule and series detector → alerts → every alert sink.
 *
 * <p>Operator uids are fixed: a restart restores state into the same operators even after the job is rebuilt.
 */
public final class VigilJob {
    private VigilJob() {}

    /** Adds the pipeline to {@code env} and returns the alert stream (already connected to {@code alertSinks}). */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<Reading, ?, ?> readings,
                                          WatermarkStrategy<Reading> watermarks, Sink<Reading> seriesSink,
                                          List<Sink<Alert>> alertSinks, RuleSet rules) {
        DataStream<Reading> in = env.fromSource(readings, watermarks, "readings").uid("readings-source");
        in.sinkTo(seriesSink).name("series").uid("series-sink");
        DataStream<Alert> alerts = in
                .flatMap(new RuleMatcher(rules)).name("match-rules").uid("rule-matcher")
                .keyBy(RuleReading::key)
                .process(new ThresholdDetector(rules)).name("threshold-detector").uid("threshold-detector");
        for (int i = 0; i < alertSinks.size(); i++) {
            alerts.sinkTo(alertSinks.get(i)).name("alerts-" + i).uid("alert-sink-" + i);
        }
        return alerts;
    }

    /** Event time = {@link Reading#eventTime()}, bounded out-of-orderness, idle partitions do not stall. */
    public static WatermarkStrategy<Reading> watermarks(Duration maxOutOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Reading>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner((reading, previous) -> reading.eventTime())
                .withIdleness(idleness);
    }
}

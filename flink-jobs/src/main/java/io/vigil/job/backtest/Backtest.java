package io.vigil.job.backtest;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.job.InOrderReplay;
import io.vigil.job.LoopbackCluster;
import io.vigil.job.VigilJob;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Replays stored readings through the live job's pipeline ({@link VigilJob#build}) in event time, on a local
 * Flink cluster in this JVM, as fast as it goes; one job for all inputs.
 *
 * <p>Where a replay must differ from a live run, and why:
 * <ul>
 *   <li>Watermarks follow every reading ({@link ReplayWatermarks}) with the live out-of-orderness.</li>
 *   <li>At the end of a bounded input Flink advances event time to the end of time. That evaluates the last
 *       readings (live, they wait for the next ones) and fires every event-time timer; the no-data detector
 *       already ignores that final watermark, and any transition it causes after the last reading's event time
 *       is set aside ({@link BacktestResult#afterEnd}), since the live job never sees time pass beyond its
 *       newest reading.</li>
 *   <li>Escalation re-notifies unacknowledged alarms on wall-clock time, which means nothing in a replay, so the
 *       replayed rules have no {@code escalate_after}.</li>
 * </ul>
 */
public final class Backtest {
    private Backtest() {}

    public static BacktestResult run(List<SeriesFile> inputs, BacktestSettings settings) throws Exception {
        long started = System.nanoTime();
        Replay replay = Replay.merge(inputs);
        List<Alert> alerts = List.of();
        List<AnomalyScore> scores = List.of();
        try (Handoff handoff = Handoff.open(replay.readings());
             ReplayResultSink<Alert> alertSink = new ReplayResultSink<>();
             ReplayResultSink<AnomalyScore> scoreSink = new ReplayResultSink<>()) {
            if (!replay.readings().isEmpty()) {
                StreamExecutionEnvironment env = job(handoff, settings, scoreSink, alertSink);
                try (ProgressLine line = ProgressLine.start(settings.progress(), handoff.emitted,
                        replay.readings().size())) {
                    env.execute("vigil-backtest");
                }
                alerts = alertSink.values();
                scores = scoreSink.values();
            }
        }
        long end = replay.lastEventTime();
        List<Alert> kept = new ArrayList<>();
        List<Alert> afterEnd = new ArrayList<>();
        for (Alert a : alerts) {
            (a.eventTime() <= end ? kept : afterEnd).add(a);
        }
        return new BacktestResult(inputs, settings.rules(), kept, afterEnd, replay.readings().size(), scores.size(),
                Duration.ofNanos(System.nanoTime() - started), byRow(inputs, replay, scores));
    }

    /** The replay job, not yet started. */
    static StreamExecutionEnvironment job(Handoff handoff, BacktestSettings settings, Sink<AnomalyScore> scoreSink,
                                          Sink<Alert> alertSink) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(localCluster());
        env.setParallelism(settings.parallelism());
        VigilJob.build(env, new ReplaySource(handoff), ReplayWatermarks.of(settings.maxOutOfOrderness()), null,
                new DiscardingSink<>(), scoreSink, List.of(alertSink), List.of(),
                withoutWallClock(settings.rules()), VigilJob.REPLAY_SETTLE);
        InOrderReplay.oneReader(env, VigilJob.READINGS_SOURCE);
        return env;
    }

    /**
     * Each row's score. The scorer emits a series' scores in event-time order (ties in arrival order), so a score
     * belongs to the first reading in replay order with its series, time and value that has none yet.
     */
    static double[][] byRow(List<SeriesFile> inputs, Replay replay, List<AnomalyScore> scores) {
        Map<ScoreKey, ArrayDeque<Double>> pending = new HashMap<>();
        for (AnomalyScore s : scores) {
            pending.computeIfAbsent(new ScoreKey(s.deviceId(), s.metric(), s.eventTime(), s.value()),
                    k -> new ArrayDeque<>()).add(s.score());
        }
        double[][] byRow = new double[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            byRow[i] = new double[inputs.get(i).rows()];
            Arrays.fill(byRow[i], Double.NaN);
        }
        for (int k = 0; k < replay.readings().size(); k++) {
            Reading r = replay.readings().get(k);
            ArrayDeque<Double> due = pending.get(new ScoreKey(r.deviceId(), r.metric(), r.eventTime(), r.value()));
            if (due != null && !due.isEmpty()) {
                byRow[replay.input()[k]][replay.row()[k]] = due.poll();
            }
        }
        return byRow;
    }

    private record ScoreKey(String deviceId, String metric, long eventTime, double value) {}

    /** The rules without escalation: re-notifying on wall-clock time has no meaning in a replay. */
    static RuleSet withoutWallClock(RuleSet rules) {
        return rules.mapRules(r -> r.escalateAfter() == null ? r : new Rule(r.id(), r.metric(), r.devices(),
                r.zones(), r.conditions(), r.severity(), r.summary(), r.description(), r.department(), null));
    }

    /** Everything on loopback, no restarts: a failed replay fails the backtest instead of running twice. */
    private static Configuration localCluster() {
        Configuration conf = LoopbackCluster.configuration("0");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        return conf;
    }
}

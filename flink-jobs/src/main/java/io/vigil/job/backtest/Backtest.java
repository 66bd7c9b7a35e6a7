package io.vigil.job.backtest;

import io.vigil.common.Alert;
import io.vigil.job.VigilJob;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
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
    static final String ALERTS = "alerts";

    private Backtest() {}

    public static BacktestResult run(List<SeriesFile> inputs, BacktestSettings settings) throws Exception {
        long started = System.nanoTime();
        Replay replay = Replay.merge(inputs);
        List<Alert> alerts = List.of();
        try (Handoff handoff = Handoff.open(replay.readings())) {
            if (!replay.readings().isEmpty()) {
                StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(localCluster());
                env.setParallelism(settings.parallelism());
                VigilJob.build(env, new ReplaySource(handoff), ReplayWatermarks.of(settings.maxOutOfOrderness()),
                        new DiscardingSink<>(), List.<Sink<Alert>>of(new HandoffSink<>(handoff, ALERTS)),
                        withoutWallClock(settings.rules()));
                try (ProgressLine line = ProgressLine.start(settings.progress(), handoff.emitted,
                        replay.readings().size())) {
                    env.execute("vigil-backtest");
                }
                alerts = handoff.snapshot(ALERTS);
            }
        }
        long end = replay.lastEventTime();
        List<Alert> kept = new ArrayList<>();
        List<Alert> afterEnd = new ArrayList<>();
        for (Alert a : alerts) {
            (a.eventTime() <= end ? kept : afterEnd).add(a);
        }
        double[][] scores = new double[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            scores[i] = new double[inputs.get(i).rows()];
            Arrays.fill(scores[i], Double.NaN);
        }
        return new BacktestResult(inputs, settings.rules(), kept, afterEnd, replay.readings().size(),
                Duration.ofNanos(System.nanoTime() - started), scores);
    }

    /** The rules without escalation: re-notifying on wall-clock time has no meaning in a replay. */
    static RuleSet withoutWallClock(RuleSet rules) {
        return rules.mapRules(r -> r.escalateAfter() == null ? r : new Rule(r.id(), r.metric(), r.devices(),
                r.zones(), r.conditions(), r.severity(), r.summary(), r.description(), r.department(), null));
    }

    /** Everything on loopback, no restarts: a failed replay fails the backtest instead of running twice. */
    private static Configuration localCluster() {
        Configuration conf = new Configuration();
        String loopback = "127.0.0.1";
        conf.set(RestOptions.ADDRESS, loopback);
        conf.set(RestOptions.BIND_ADDRESS, loopback);
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.ADDRESS, loopback);
        conf.set(JobManagerOptions.BIND_HOST, loopback);
        conf.set(TaskManagerOptions.HOST, loopback);
        conf.set(TaskManagerOptions.BIND_HOST, loopback);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        return conf;
    }
}

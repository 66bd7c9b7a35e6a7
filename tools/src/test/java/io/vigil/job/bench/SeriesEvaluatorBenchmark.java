package io.vigil.job.bench;

import io.vigil.common.Reading;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.common.Alert;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.series.SeriesEvaluator;
import io.vigil.job.series.SeriesInput;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one reading in the series evaluator as the job runs it: the operator in Flink's test harness with heap
 * keyed state, the synthetic fleet's readings for {@link #devices} devices in order, a watermark after every round
 * of the fleet (it fires the series' timers, part of the cost). {@code rules}: {@code bench} is the job bench's full
 * rule set (every detector kind, scores stored), or one kind of it alone. Run with {@code bin/bench-micro}; not a
 * test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SeriesEvaluatorBenchmark {
    private static final long REPORT_EVERY_MS = 10_000;

    @Param({"bench", "threshold", "rate", "forecast", "no_data", "flatline", "range", "anomaly"})
    public String rules;

    @Param("1000")
    public int devices;

    private KeyedBroadcastOperatorTestHarness<String, SeriesInput, RulesUpdate, Alert> harness;
    private long n;

    @Setup(org.openjdk.jmh.annotations.Level.Trial)
    public void setUp() throws Exception {
        RuleSet all = JobBench.benchRules();
        RuleSet used = rules.equals("bench") ? all
                : RuleSet.of(all.rules().stream().filter(r -> r.has(rules)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no bench rule of kind " + rules)));
        n = 0;
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new SeriesEvaluator(used, rules.equals("bench"), AnomalySettings.defaults(),
                        IncidentLifecycle.DEFAULT_FORGET_AFTER),
                SeriesInput::seriesKey, Types.STRING, LiveRules.STATE);
        // the control stream never holds event time back, as in the job
        harness.processBroadcastWatermark(Long.MAX_VALUE);
    }

    @TearDown(org.openjdk.jmh.annotations.Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
    }

    @Benchmark
    public int step() throws Exception {
        long i = n++;
        Reading r = SyntheticReadings.reading(i, devices, REPORT_EVERY_MS);
        harness.processElement(SeriesInput.of(r), r.eventTime());
        if (i % devices == devices - 1) {
            harness.processWatermark(r.eventTime() - 1);
            int out = harness.getOutput().size();
            harness.getOutput().clear();
            return out;
        }
        return 0;
    }
}

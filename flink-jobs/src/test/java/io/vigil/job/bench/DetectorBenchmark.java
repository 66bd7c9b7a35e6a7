package io.vigil.job.bench;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.AnomalyDetector;
import io.vigil.job.detect.EventTimeDetector;
import io.vigil.job.detect.FlatlineDetector;
import io.vigil.job.detect.ForecastDetector;
import io.vigil.job.detect.IncidentInput;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.NoDataDetector;
import io.vigil.job.detect.RangeDetector;
import io.vigil.job.detect.RateDetector;
import io.vigil.job.detect.RuleReading;
import io.vigil.job.detect.Signal;
import io.vigil.job.detect.ThresholdDetector;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.RuleSet;
import io.vigil.common.incident.RulesUpdate;
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
 * Cost of one reading in each detector, and of one signal in the incident lifecycle, as the job runs them: the
 * operator in Flink's test harness with heap keyed state, rules from the job bench, the synthetic fleet's readings
 * for {@link #devices} devices in event-time order, a watermark after every round of the fleet (it fires the
 * detectors' timers, part of their cost). Run with {@code bin/bench-micro}; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DetectorBenchmark {
    private static final long REPORT_EVERY_MS = 10_000;

    @Param({"threshold", "rate", "forecast", "no_data", "flatline", "range", "anomaly", "lifecycle"})
    public String step;

    @Param("1000")
    public int devices;

    private KeyedBroadcastOperatorTestHarness<String, Object, RulesUpdate, Object> harness;
    private String ruleId;
    private long n;

    @Setup(org.openjdk.jmh.annotations.Level.Trial)
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void setUp() throws Exception {
        RuleSet rules = JobBench.benchRules();
        n = 0;
        if (step.equals("lifecycle")) {
            ruleId = "level-high";
            harness = (KeyedBroadcastOperatorTestHarness) ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                    new IncidentLifecycle(rules), IncidentInput::seriesKey, Types.STRING, LiveRules.STATE);
        } else {
            EventTimeDetector detector = detector(step, rules);
            ruleId = rules.rules().stream().filter(r -> r.has(step))
                    .findFirst().orElseThrow().id();
            harness = (KeyedBroadcastOperatorTestHarness) ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                    detector, RuleReading::key, Types.STRING, LiveRules.STATE);
        }
        // the control stream never holds event time back, as in the job
        harness.processBroadcastWatermark(Long.MAX_VALUE);
    }

    static EventTimeDetector detector(String kind, RuleSet rules) {
        return switch (kind) {
            case "threshold" -> new ThresholdDetector(rules);
            case "rate" -> new RateDetector(rules);
            case "forecast" -> new ForecastDetector(rules);
            case "no_data" -> new NoDataDetector(rules);
            case "flatline" -> new FlatlineDetector(rules);
            case "range" -> new RangeDetector(rules);
            case "anomaly" -> new AnomalyDetector(rules);
            default -> throw new IllegalArgumentException("no detector " + kind);
        };
    }

    @TearDown(org.openjdk.jmh.annotations.Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
    }

    /** Reading {@code n} of the fleet as the lifecycle's input: a level cycling NORMAL, WARN, ALARM per device. */
    private IncidentInput signal(Reading r, long round) {
        Level level = Level.values()[(int) ((round / 6) % 3)];
        return IncidentInput.of(new Signal(ruleId, "threshold", r.deviceId(), r.site(), r.zone(), r.metric(), r.unit(),
                level, level == Level.NORMAL, r.value(), 4.0, null, r.eventTime(), false, r.receiveTime()));
    }

    @Benchmark
    public int step() throws Exception {
        long i = n++;
        Reading r = SyntheticReadings.reading(i, devices, REPORT_EVERY_MS);
        Object in = step.equals("lifecycle") ? signal(r, i / devices) : new RuleReading(ruleId, step, r);
        harness.processElement(in, r.eventTime());
        if (i % devices == devices - 1) {
            harness.processWatermark(r.eventTime() - 1);
            int out = harness.getOutput().size();
            harness.getOutput().clear();
            return out;
        }
        return 0;
    }
}

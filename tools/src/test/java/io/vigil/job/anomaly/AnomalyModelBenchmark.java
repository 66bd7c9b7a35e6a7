package io.vigil.job.anomaly;

import io.vigil.sim.anomaly.AnomalyKind;
import io.vigil.sim.anomaly.LabelledSeries;
import io.vigil.sim.anomaly.SeriesGenerator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Cost of the anomaly model per reading: {@code update} alone (the model kept as an object), and
 * {@code update} with the state round trip the Flink operators do per reading (restore from bytes, update,
 * serialise); the same two for {@link SeriesAnomaly} (model plus calibration and onsets, what the operators call).
 * Run with {@code bin/bench-anomaly} or {@code bin/bench-micro AnomalyModelBenchmark}; not a test, so
 * {@code mvn verify} never runs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnomalyModelBenchmark {
    private static final AnomalySettings SETTINGS = AnomalySettings.defaults();
    private LabelledSeries series;
    private AnomalyModel model;
    private SeriesAnomaly assessed;
    private byte[] state;
    private byte[] assessedState;
    private int next;

    @Setup
    public void setUp() {
        series = new SeriesGenerator(42).series(0, 28, List.of(AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT), 2);
        restart();
        next = 0;
    }

    private void restart() {
        model = new AnomalyModel(SETTINGS);
        state = model.toBytes();
        assessed = new SeriesAnomaly(SETTINGS);
        assessedState = assessed.toBytes();
    }

    /** The series is replayed in a loop; each wrap-around restarts the model so time never runs backwards. */
    private int advance() {
        if (next == series.size()) {
            next = 0;
            restart();
        }
        return next++;
    }

    @Benchmark
    public double update() {
        int i = advance();
        return model.update(series.times()[i], series.values()[i]);
    }

    @Benchmark
    public byte[] updateWithStateRoundTrip() {
        int i = advance();
        AnomalyModel m = AnomalyModel.fromBytes(SETTINGS, state);
        m.update(series.times()[i], series.values()[i]);
        state = m.toBytes();
        return state;
    }

    @Benchmark
    public SeriesAnomaly.Assessment assess() {
        int i = advance();
        return assessed.update(series.times()[i], series.values()[i]);
    }

    @Benchmark
    public byte[] assessWithStateRoundTrip() {
        int i = advance();
        SeriesAnomaly s = SeriesAnomaly.fromBytes(SETTINGS, assessedState);
        s.update(series.times()[i], series.values()[i]);
        assessedState = s.toBytes();
        return assessedState;
    }

    public static void main(String[] args) throws Exception {
        System.out.println("anomaly model state per series: " + AnomalyModel.STATE_BYTES + " bytes serialised, "
                + SeriesAnomaly.STATE_BYTES + " with calibration and onsets");
        new Runner(new OptionsBuilder().include(AnomalyModelBenchmark.class.getSimpleName()).build()).run();
    }
}

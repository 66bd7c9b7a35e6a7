package io.vigil.tools.evaluate;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.job.InOrderReplay;
import io.vigil.job.VigilJob;
import io.vigil.job.backtest.ReplayResultSink;
import io.vigil.job.rules.RuleSet;
import io.vigil.sim.GroundTruthRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Runs ground-truth scenarios through the real pipeline ({@link VigilJob#build}) on a local environment, as fast as
 * it goes: a bounded source replays every run's readings in event-time order, and the watermark follows each
 * reading, so detectors (including "no data" timers) see event time advance exactly as in a live run.
 */
public final class EvaluationJob {
    private EvaluationJob() {}

    /** Every alert the job raised for {@code runs}, in the order the job emitted them. */
    public static List<Alert> alerts(List<GroundTruthRun> runs, RuleSet rules, int parallelism) throws Exception {
        long count = merged(runs).size();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        TypeInformation<Reading> type = TypeInformation.of(Reading.class);
        DataGeneratorSource<Reading> source = new DataGeneratorSource<>(new RunReadings(runs), count, type);
        try (ReplayResultSink<Alert> sink = new ReplayResultSink<>()) {
            VigilJob.build(env, source, followEachReading(), null, new DiscardingSink<>(), null,
                    List.<Sink<Alert>>of(sink), List.of(), rules, VigilJob.REPLAY_SETTLE);
            InOrderReplay.oneReader(env, VigilJob.READINGS_SOURCE);
            env.execute("vigil-evaluate");
            return sink.values();
        }
    }

    static List<Reading> merged(List<GroundTruthRun> runs) {
        List<Reading> all = new ArrayList<>();
        for (GroundTruthRun run : runs) {
            all.addAll(run.readings());
        }
        all.sort(Comparator.comparingLong(Reading::eventTime)); // stable: device order within one instant
        return all;
    }

    /**
     * The source emits readings in event-time order, so event time may advance with every reading: just behind
     * it, so readings of the same instant from other devices are not late. The periodic watermarks of a live job
     * would rarely fire in a run this fast, and end of input alone is not silence to the "no data" detector.
     */
    static WatermarkStrategy<Reading> followEachReading() {
        return WatermarkStrategy.<Reading>forGenerator(ctx -> new WatermarkGenerator<>() {
            private long emitted = Long.MIN_VALUE;

            @Override
            public void onEvent(Reading reading, long eventTimestamp, WatermarkOutput output) {
                if (eventTimestamp - 1 > emitted) {
                    emitted = eventTimestamp - 1;
                    output.emitWatermark(new Watermark(emitted));
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {}
        }).withTimestampAssigner((reading, previous) -> reading.eventTime());
    }

    /** Readings by index; each source reader regenerates them (they are a pure function of the runs). */
    static final class RunReadings implements GeneratorFunction<Long, Reading> {
        private static final long serialVersionUID = 1L;
        private final List<GroundTruthRun> runs;
        private transient List<Reading> readings;

        RunReadings(List<GroundTruthRun> runs) {
            this.runs = List.copyOf(runs);
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            readings = merged(runs);
        }

        @Override
        public Reading map(Long index) {
            return readings.get(Math.toIntExact(index));
        }
    }
}

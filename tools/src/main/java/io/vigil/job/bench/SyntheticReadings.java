package io.vigil.job.bench;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A fleet of {@code devices} gauges, each reporting one {@code level} every {@code reportEveryMs} of event time,
 * {@code readings} in all, in event-time order. Reading number {@code n} is device {@code n % devices}; split
 * {@code k} of {@code splits} holds the numbers {@code k, k + splits, ...}, so parallel readers advance event time
 * together, as Kafka partitions of a live fleet do, instead of one reader running ahead of another's range.
 *
 * <p>The level is a slow wave per device (so thresholds, forecasts and their recoveries happen), with a spike now
 * and then (rate, range, anomaly) and a few stuck gauges (flatline). Cheap to make, so the job is what is measured.
 *
 * <p>A reader ends only after a checkpoint taken once every reading was emitted has completed: that checkpoint's
 * barriers trail the last readings through every operator, and its size is the job's state for the whole fleet.
 */
final class SyntheticReadings implements Source<Reading, NumberSequenceSplit, Collection<NumberSequenceSplit>>,
        ResultTypeQueryable<Reading> {
    private static final long serialVersionUID = 1L;
    static final String METRIC = "level";
    /** 2026-01-01T00:00:00Z: a fixed start keeps runs comparable. */
    static final long START = 1_767_225_600_000L;
    private static final double WAVE_ROUNDS = 60;
    private static final int STUCK_EVERY = 97;
    private static final int SPIKE_EVERY = 500;

    private final String tallyKey;
    private final long readings;
    private final int devices;
    private final long reportEveryMs;
    private final int splits;

    SyntheticReadings(BenchTally tally, int devices, long reportEveryMs, int splits) {
        this.tallyKey = tally.key;
        this.readings = tally.expected;
        this.devices = devices;
        this.reportEveryMs = reportEveryMs;
        this.splits = splits;
    }

    /** Reading number {@code n} of the fleet. */
    static Reading reading(long n, int devices, long reportEveryMs) {
        int device = (int) (n % devices);
        long round = n / devices;
        long eventTime = START + n * reportEveryMs / devices;
        double value;
        if (device % STUCK_EVERY == 0) {
            value = 1.0;
        } else {
            double phase = (device * 0.6180339887) % 1.0;
            value = 2.5 + 2.0 * Math.sin(2 * Math.PI * (round / WAVE_ROUNDS + phase));
            if ((round + device) % SPIKE_EVERY == SPIKE_EVERY - 1) {
                value += 8.0;
            }
        }
        return new Reading("bench-" + device, "bench", "zone-" + (device % 100), METRIC, value, "m", eventTime,
                eventTime, Protocol.MQTT);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<Reading, NumberSequenceSplit> createReader(SourceReaderContext context) {
        return new SyntheticReadingsReader(context, BenchTally.of(tallyKey), devices, reportEveryMs, splits);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context) {
        // split k covers the k-th residue class; from/to count positions within it
        List<NumberSequenceSplit> all = new ArrayList<>();
        for (int k = 0; k < splits && k < readings; k++) {
            long count = (readings - k + splits - 1) / splits;
            all.add(new NumberSequenceSplit(Integer.toString(k), 0, count - 1));
        }
        return new IteratorSourceEnumerator<>(context, all);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> restoreEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context, Collection<NumberSequenceSplit> checkpoint) {
        return new IteratorSourceEnumerator<>(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<NumberSequenceSplit> getSplitSerializer() {
        return new NumberSequenceSource(0, 0).getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<NumberSequenceSplit>> getEnumeratorCheckpointSerializer() {
        return new NumberSequenceSource(0, 0).getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<Reading> getProducedType() {
        return TypeInformation.of(Reading.class);
    }
}

package io.vigil.job.backtest;

import io.vigil.common.Reading;
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
import org.apache.flink.api.connector.source.lib.util.IteratorSourceReaderBase;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.NumberSequenceIterator;

/**
 * A bounded source of the replay's readings, in replay order, as ONE split: a live job's readings pass one
 * watermark generator per Kafka partition in arrival order, and so do these. Splitting them by index range across
 * readers would let a later range run ahead and pile the earlier range's readings up in the detectors' buffers.
 * Backtest runs it with one reader ({@link io.vigil.job.InOrderReplay}): a reader without the split would hold
 * the watermark back until it finished.
 */
final class ReplaySource implements Source<Reading, NumberSequenceSplit, Collection<NumberSequenceSplit>>,
        ResultTypeQueryable<Reading> {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final OneSplit indices;

    ReplaySource(Handoff handoff) {
        if (handoff.readings.isEmpty()) {
            throw new IllegalArgumentException("nothing to replay");
        }
        this.key = handoff.key;
        this.indices = new OneSplit(handoff.readings.size());
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<Reading, NumberSequenceSplit> createReader(SourceReaderContext context) {
        Handoff handoff = Handoff.of(key);
        return new IteratorSourceReaderBase<Long, Reading, NumberSequenceIterator, NumberSequenceSplit>(context) {
            @Override
            protected Reading convert(Long index) {
                handoff.emitted.incrementAndGet();
                return handoff.readings.get(Math.toIntExact(index));
            }
        };
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context) {
        return indices.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> restoreEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context, Collection<NumberSequenceSplit> checkpoint) {
        return indices.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<NumberSequenceSplit> getSplitSerializer() {
        return indices.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<NumberSequenceSplit>> getEnumeratorCheckpointSerializer() {
        return indices.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<Reading> getProducedType() {
        return TypeInformation.of(Reading.class);
    }

    /** The indices 0..count-1 as a single split, whatever the parallelism. */
    private static final class OneSplit extends NumberSequenceSource {
        private static final long serialVersionUID = 1L;

        OneSplit(long count) {
            super(0, count - 1);
        }

        @Override
        protected List<NumberSequenceSplit> splitNumberRange(long from, long to, int numSplits) {
            return List.of(new NumberSequenceSplit("0", from, to));
        }
    }
}

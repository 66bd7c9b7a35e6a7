package io.vigil.job.bench;

import io.vigil.common.Reading;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.core.io.InputStatus;

/** Emits its splits' readings, then waits for the first checkpoint taken after the whole fleet was emitted. */
final class SyntheticReadingsReader implements SourceReader<Reading, NumberSequenceSplit> {
    /** Readings per poll: small enough that checkpoint barriers and watermarks are not held back. */
    private static final int BATCH = 256;

    private final SourceReaderContext context;
    private final BenchTally tally;
    private final int devices;
    private final long reportEveryMs;
    private final int splits;
    private final ArrayDeque<NumberSequenceSplit> assigned = new ArrayDeque<>();
    private NumberSequenceSplit current;
    private int residue;
    private long position;
    private long drainCheckpoint = -1;
    private boolean drained;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    SyntheticReadingsReader(SourceReaderContext context, BenchTally tally, int devices, long reportEveryMs,
                            int splits) {
        this.context = context;
        this.tally = tally;
        this.devices = devices;
        this.reportEveryMs = reportEveryMs;
        this.splits = splits;
    }

    @Override
    public void start() {
        context.sendSplitRequest();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<Reading> output) {
        if (current == null && !assigned.isEmpty()) {
            current = assigned.poll();
            residue = Integer.parseInt(current.splitId());
            position = current.from();
        }
        if (current != null) {
            long end = Math.min(current.to() + 1, position + BATCH);
            for (long p = position; p < end; p++) {
                Reading r = SyntheticReadings.reading(p * splits + residue, devices, reportEveryMs);
                output.collect(r, r.eventTime());
            }
            tally.countEmitted(end - position);
            position = end;
            if (position > current.to()) {
                current = null;
                context.sendSplitRequest();
            }
            return InputStatus.MORE_AVAILABLE;
        }
        if (drained) {
            return InputStatus.END_OF_INPUT;
        }
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public List<NumberSequenceSplit> snapshotState(long checkpointId) {
        if (drainCheckpoint < 0 && tally.allEmitted.isDone()) {
            drainCheckpoint = checkpointId;
        }
        List<NumberSequenceSplit> state = new ArrayList<>();
        if (current != null && position <= current.to()) {
            state.add(new NumberSequenceSplit(current.splitId(), position, current.to()));
        }
        state.addAll(assigned);
        return state;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (drainCheckpoint >= 0 && checkpointId >= drainCheckpoint) {
            drained = true;
            available.complete(null);
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<NumberSequenceSplit> splits) {
        assigned.addAll(splits);
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        // the end comes with the drain checkpoint, not with the last split
    }

    @Override
    public void close() {}
}

package io.vigil.job;

import java.util.List;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Replaying a bounded, ordered input (backtest, evaluations) through a pipeline built for Kafka: one reader reads
 * it, whatever the parallelism of the operators after it.
 *
 * <p>Why: a source subtask without data still holds the watermark of everything downstream at its minimum until
 * it finishes. If the reader with the data finished first, event time would leap from the start straight to the
 * end of time, and every deadline inside the data (a device going silent) would be taken for the end of input and
 * dropped. Splitting the input by index range does not help either: when a reader of an earlier range finishes
 * last, the later range's deadlines only fire at the end of time.
 */
public final class InOrderReplay {
    private InOrderReplay() {}

    /**
     * Sets the source with operator uid {@code sourceUid} in {@code env}'s pipeline to one reader, and the operators
     * that read it directly (not through a key) to one subtask too, so they stay chained to it: a different
     * parallelism would put a round-robin exchange between them and scatter one series' readings over several
     * subtasks, out of order by the time they meet again at their key.
     */
    public static void oneReader(StreamExecutionEnvironment env, String sourceUid) {
        List<Transformation<?>> all = env.getTransformations().stream()
                .flatMap(t -> t.getTransitivePredecessors().stream()).distinct().toList();
        Transformation<?> source = all.stream().filter(t -> sourceUid.equals(t.getUid()))
                .findFirst().orElseThrow(() -> new IllegalStateException("the pipeline has no source " + sourceUid));
        source.setParallelism(1);
        for (Transformation<?> t : all) {
            if (t instanceof OneInputTransformation<?, ?> op && op.getInputs().contains(source)) {
                op.setParallelism(1);
            }
        }
    }
}

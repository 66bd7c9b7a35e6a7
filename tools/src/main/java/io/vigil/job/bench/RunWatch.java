package io.vigil.job.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * The driver's every wait on a run, bounded: it ends with what was awaited, or with a {@link JobBenchException}
 * saying why and how far the run got — the job ended early (its failure as the cause), the heap is exhausted, or the
 * run's time is up. A failed job or a thrashing heap used to leave the driver waiting forever on a future that no
 * task would ever complete.
 */
final class RunWatch {
    private static final long TICK_MILLIS = 1_000;
    private static final long HEAP_WINDOW_MILLIS = 60_000;
    private static final double HEAP_MAX_GC_SHARE = 0.5;
    private static final double HEAP_FULL_SHARE = 0.85;

    private final MiniCluster cluster;
    private final JobID job;
    private final CompletableFuture<JobResult> ended;
    private final BenchTally tally;
    private final Duration timeout;
    private final long deadlineNanos;
    private final HeapPressure heap = new HeapPressure(HEAP_WINDOW_MILLIS, HEAP_MAX_GC_SHARE, HEAP_FULL_SHARE);

    RunWatch(MiniCluster cluster, JobID job, BenchTally tally, Duration timeout) {
        this.cluster = cluster;
        this.job = job;
        this.ended = cluster.requestJobResult(job);
        this.tally = tally;
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** The job's result once it has ended, within the run's time. */
    JobResult jobResult() throws Exception {
        return await(ended, "the job to end", false);
    }

    /** True if the job ended within {@code grace} (and the run's bound); false if it is still running. */
    boolean awaitEnd(Duration grace) throws Exception {
        long until = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < until) {
            if (ended.isDone()) {
                return true;
            }
            await(CompletableFuture.runAsync(() -> {},
                    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)), "the job to end", false);
        }
        return ended.isDone();
    }

    /** {@code step}'s value once it completes, whether the job is still running or not. */
    <T> T awaitEvenAfterEnd(CompletableFuture<T> step, String what) throws Exception {
        return await(step, what, false);
    }

    /** {@code step}'s value once it completes; fails if the job ends first ({@code step} is not its end). */
    <T> T await(CompletableFuture<T> step, String what) throws Exception {
        return await(step, what, true);
    }

    private <T> T await(CompletableFuture<T> step, String what, boolean beforeEnd) throws Exception {
        while (true) {
            try {
                return step.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not yet: look at the job, the heap and the clock
            }
            if (beforeEnd && ended.isDone()) {
                JobResult result = ended.join();
                throw new JobBenchException("the benchmark job ended (" + result.getApplicationStatus()
                        + ") while the driver waited for " + what + "; " + progress(),
                        result.getSerializedThrowable()
                                .map(t -> t.deserializeError(RunWatch.class.getClassLoader())).orElse(null));
            }
            if (heap.exhausted(HeapPressure.Sample.now())) {
                throw stop("the job's state does not fit the heap of " + (Runtime.getRuntime().maxMemory() >> 20)
                        + " MB (give the JVM more, e.g. JAVA_TOOL_OPTIONS=-Xmx12g, or run --state rocksdb)", what);
            }
            if (System.nanoTime() > deadlineNanos) {
                throw stop("the run did not finish within its bound of " + timeout.toSeconds() + " s", what);
            }
        }
    }

    private JobBenchException stop(String why, String what) {
        String message = why + " while the driver waited for " + what + "; " + progress();
        try {
            cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            message += " (cancelling the job failed too: " + e + ")";
        }
        return new JobBenchException(message, null);
    }

    private String progress() {
        return String.format(Locale.ROOT, "emitted %,d of %,d readings, the series sink counted %,d, alerts %,d; %s",
                tally.emitted.get(), tally.expected, tally.readings.sum(), tally.alerts.sum(), heap.describe());
    }
}

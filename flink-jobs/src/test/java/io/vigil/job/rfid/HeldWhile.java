package io.vigil.job.rfid;

import static org.awaitility.Awaitility.await;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * Paces a test source and holds it while a condition on what the job has emitted so far holds, so a test can
 * order its inputs by the job's own progress (an acknowledgement only once the ALARM is out) instead of by the
 * clock. The hold is asynchronous: the held source still emits its periodic watermarks and idleness.
 */
final class HeldWhile<S extends SourceSplit> implements RateLimiterStrategy<S> {
    private static final long serialVersionUID = 1L;
    private static final Duration MAX_HOLD = Duration.ofSeconds(90);

    /**
     * A condition the source tasks can evaluate (tests use {@link io.vigil.job.backtest.ReplayResultSink}s, which
     * serialize).
     */
    @FunctionalInterface
    interface Condition extends Serializable {
        boolean holds();
    }

    private final double perSecond;
    private final Condition hold;

    HeldWhile(double perSecond, Condition hold) {
        this.perSecond = perSecond;
        this.hold = hold;
    }

    @Override
    @SuppressWarnings("unchecked")
    public RateLimiter<S> createRateLimiter(int parallelism) {
        RateLimiter<S> pace = RateLimiterStrategy.perSecond(perSecond).createRateLimiter(parallelism);
        return permits -> {
            if (!hold.holds()) {
                return pace.acquire(permits);
            }
            CompletionStage<Void> released = CompletableFuture.runAsync(
                    () -> await().atMost(MAX_HOLD).pollInSameThread().until(() -> !hold.holds()));
            return released.thenCompose(v -> pace.acquire(permits));
        };
    }
}

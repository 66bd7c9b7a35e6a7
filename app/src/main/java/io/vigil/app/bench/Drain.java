package io.vigil.app.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/** Waits for the far end of a step to count everything the broker acknowledged. */
final class Drain {
    private static final long POLL_MILLIS = 50;

    private Drain() {}

    /**
     * Polls {@code arrived} until it reaches {@code expected} or {@code grace} passes. Returns how long that took, or
     * null if it never got there; {@code last} receives the final count either way.
     */
    static Duration await(long expected, LongSupplier arrived, Duration grace, long[] last) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        while (true) {
            long n = arrived.getAsLong();
            last[0] = n;
            if (n >= expected) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(POLL_MILLIS); // counting a remote end: there is no event to wait on
        }
    }
}

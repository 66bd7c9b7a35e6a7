package io.vigil.common;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long to wait before retrying after consecutive failures: {@code first}, doubled per further failure, never
 * more than {@code max}. A value only: the caller counts its failures and does the waiting on a timer, so no thread
 * sleeps for a backoff.
 */
public record Backoff(Duration first, Duration max) implements Serializable {
    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max: " + first + ", " + max);
        }
    }

    /** The wait before the next attempt after {@code failures} consecutive failures (1 = the first failure). */
    public Duration after(int failures) {
        double millis = first.toMillis() * Math.pow(2, Math.max(0, Math.min(failures - 1, 62)));
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }
}

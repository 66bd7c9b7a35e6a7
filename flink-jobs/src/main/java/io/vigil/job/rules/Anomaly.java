package io.vigil.job.rules;

import java.time.Duration;

/**
 * Behaviour unlike the series' own past, from its anomaly score (io.vigil.job.anomaly, docs/anomaly.md): no
 * limit to set. PRE_WARNING from {@code warn}, ALARM once the score stays at or above {@code level} for
 * {@code holdFor}; CLOSED after it stayed below {@code level} for {@code clearFor}.
 *
 * @param warn score for PRE_WARNING, below {@code level}; null for none
 */
public record Anomaly(double level, Double warn, Duration holdFor, Duration clearFor) implements Condition {
    public static final String KIND = "anomaly";
    public static final double DEFAULT_LEVEL = 0.5;
    public static final double DEFAULT_WARN = 0.3;

    /** The defaults: level 0.5, warn 0.3, no hold, clear after 1 minute. */
    public static Anomaly defaults() {
        return new Anomaly(DEFAULT_LEVEL, DEFAULT_WARN, Duration.ZERO, Duration.ofMinutes(1));
    }

    @Override
    public String kind() {
        return KIND;
    }
}

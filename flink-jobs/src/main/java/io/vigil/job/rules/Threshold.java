package io.vigil.job.rules;

import java.time.Duration;

/**
 * A level with hysteresis and hold times.
 *
 * @param direction whether values {@code above} or {@code below} the limit are bad
 * @param limit     ALARM level
 * @param warn      PRE_WARNING level on the near side of the limit, or null for none
 * @param clear     an ALARM recovers only once the value is back past this level (hysteresis); equals limit if unset
 * @param holdFor   the value must stay beyond the limit this long (event time) before ALARM
 * @param clearFor  and back past {@code clear} this long before the incident is CLOSED
 */
public record Threshold(Direction direction, double limit, Double warn, double clear, Duration holdFor, Duration clearFor)
        implements Condition {
    public static final String KIND = "threshold";

    @Override
    public String kind() {
        return KIND;
    }

    public boolean hasWarn() {
        return warn != null;
    }
}

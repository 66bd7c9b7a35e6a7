package io.vigil.job.rules;

import java.time.Duration;

/**
 * A change of more than {@code delta} within {@code window} (e.g. rise &gt; 0.3 m in 10 min).
 *
 * @param direction ABOVE for a rise, BELOW for a fall
 * @param alarm     true if the change alone is an ALARM; otherwise it is a PRE_WARNING
 */
public record RateOfChange(Direction direction, double delta, Duration window, boolean alarm) implements Condition {
    public static final String KIND = "rate";

    @Override
    public String kind() {
        return KIND;
    }
}

package io.vigil.job.rules;

import java.time.Duration;

/** A stuck sensor: every reading for {@code duration} stays within {@code epsilon} of the first one. */
public record Flatline(double epsilon, Duration duration) implements Condition {
    public static final String KIND = "flatline";

    @Override
    public String kind() {
        return KIND;
    }
}

package io.vigil.job.rules;

import java.time.Duration;

/** "Device offline": no reading for {@code expectedEvery × factor}. */
public record NoData(Duration expectedEvery, double factor) implements Condition {
    public static final String KIND = "no_data";

    @Override
    public String kind() {
        return KIND;
    }

    public long timeoutMs() {
        return (long) (expectedEvery.toMillis() * factor);
    }
}

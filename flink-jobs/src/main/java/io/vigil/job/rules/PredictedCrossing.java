package io.vigil.job.rules;

import java.time.Duration;

/**
 * A PRE_WARNING when the recent trend (a robust line through the readings of the last {@code window}) reaches
 * {@code limit} within {@code horizon}; the alert carries the predicted time of crossing.
 *
 * @param minReadings fewer readings in the window give no prediction
 */
public record PredictedCrossing(Direction direction, double limit, Duration horizon, Duration window, int minReadings)
        implements Condition {
    public static final String KIND = "forecast";

    @Override
    public String kind() {
        return KIND;
    }
}

package io.vigil.job.anomaly;

import java.io.Serializable;
import java.time.Duration;

/**
 * The model's time constants (docs/anomaly.md). Every memory is a half-life in event time, not a number of
 * readings, so a series sampled every second and one sampled every ten minutes adapt alike.
 *
 * @param levelHalfLife     how fast the baseline level follows the deseasonalised value
 * @param trendHalfLife     how fast the trend (slope) follows the level's change
 * @param scaleHalfLife     memory of the usual size of a residual (the noise)
 * @param fastScaleHalfLife memory of the recent size of a residual, compared with the usual one (variance change)
 * @param seasonReferenceHalfLife how fast the slow level that the seasonal profiles are measured from follows
 * @param departureHalfLife memory of the usual distance between the level and the slow level (drift)
 * @param dailyMemory       how much in-bucket time a daily (hour-of-day) bucket remembers
 * @param weeklyMemory      how much in-bucket time a weekly (day-of-week) bucket remembers
 * @param warmUp            readings before scores are trusted fully; fewer readings scale the score down
 * @param forgetAfter       a series silent this long starts afresh (also how long Flink keeps its state)
 */
public record AnomalySettings(Duration levelHalfLife, Duration trendHalfLife, Duration scaleHalfLife,
                              Duration fastScaleHalfLife, Duration seasonReferenceHalfLife, Duration departureHalfLife,
                              Duration dailyMemory, Duration weeklyMemory, int warmUp,
                              Duration forgetAfter) implements Serializable {

    public static AnomalySettings defaults() {
        return new AnomalySettings(Duration.ofMinutes(30), Duration.ofHours(6), Duration.ofHours(6),
                Duration.ofMinutes(10), Duration.ofHours(12), Duration.ofDays(3), Duration.ofHours(1), Duration.ofHours(24), 30, Duration.ofDays(8));
    }
}

package io.vigil.job.rules;

import java.time.Duration;

/**
 * Evidence across sensors: an ALARM about a whole zone or site when at least {@code atLeast} distinct series of it
 * are anomalous within {@code within} of each other (docs/anomaly.md). A series is anomalous from its model's onset
 * while its score stays at or above 0.5 — what an {@code anomaly} rule pages on — and counts for {@code within}
 * after that spell ends, so short spells of sensors read at different times still meet. The incident is the
 * group's, not a series': it clears when fewer than {@code atLeast} count, then CLOSED after {@code clearFor}.
 *
 * @param by       which series belong together: those of one zone (of one site) or of one site
 * @param atLeast  how many distinct series must count at once, at least 1
 * @param within   how long a series still counts after its anomalous spell ended
 * @param clearFor how long fewer than {@code atLeast} must count before a RECOVERING group incident is CLOSED
 */
public record GroupAnomaly(By by, int atLeast, Duration within, Duration clearFor) implements Condition {
    public static final String KIND = "group_anomaly";
    public static final Duration DEFAULT_WITHIN = Duration.ofMinutes(10);

    /** Which series form a group. */
    public enum By {
        ZONE, SITE
    }

    public GroupAnomaly {
        if (atLeast < 1) {
            throw new IllegalArgumentException("at least one series must be anomalous, got " + atLeast);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }
}

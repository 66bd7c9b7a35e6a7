package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Rule;

/**
 * One kind of rule condition, judged per reading in plain Java: the series evaluator calls every detector of every
 * rule that watches a series, in the series' order, and merges their signals in the {@link IncidentMachine}. What
 * a detector remembers between readings lives in the rule's {@link RuleState}, so a detector instance holds none.
 */
public interface Detector {
    /** The rule kind this detector serves, e.g. {@code threshold}. */
    String kind();

    /**
     * The detector's opinion of {@code r}, or null for none (not enough readings yet).
     *
     * @param anomaly the series' anomaly assessment of this reading (score and onset); null where the series is not
     *                scored
     */
    Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly);

    /**
     * The longest silence the detector's memory of a series (a window, a run) outlasts under {@code rule}; after a
     * longer one {@link #forgetIfSilent} drops it. {@link Long#MAX_VALUE} for a detector that remembers nothing.
     */
    default long memoryMs(Rule rule) {
        return Long.MAX_VALUE;
    }

    /**
     * The series was silent for {@code silentMs} before the reading about to be judged: drops what the detector
     * remembers if that is longer than {@link #memoryMs}, exactly as if it had been cleared then.
     */
    default void forgetIfSilent(Rule rule, RuleState state, long silentMs) {}
}

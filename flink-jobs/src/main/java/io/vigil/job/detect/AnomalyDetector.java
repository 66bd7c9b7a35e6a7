package io.vigil.job.detect;

import io.vigil.common.Phase;
import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Anomaly;
import io.vigil.job.rules.Rule;

/**
 * The {@code anomaly} rule kind: judges the series' anomaly assessment, which the series evaluator makes once per
 * reading with the series' one {@link SeriesAnomaly} — the same score that is stored. An incident opens only on an
 * onset (the first anomalous reading of a spell, after the model's refractory period) whose score reaches the rule's
 * {@code level}; while the incident is open, scores at or above {@code level} hold the ALARM, and scores from
 * {@code warn} keep a pre-warning. Anomalous readings of a spell that already paged open nothing: one page per spell.
 */
public final class AnomalyDetector implements Detector {
    @Override
    public String kind() {
        return Anomaly.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly) {
        Anomaly a = rule.anomaly();
        if (a == null || anomaly == null) {
            return null;
        }
        double score = anomaly.score();
        boolean open = state.incident != null && state.incident.phase != Phase.NORMAL;
        boolean starts = anomaly.onset() && score >= a.level();
        Level level = (starts || open) && score >= a.level() ? Level.ALARM
                : open && a.warn() != null && score >= a.warn() ? Level.WARN : Level.NORMAL;
        return Signal.of(rule, kind(), r, level, level != Level.ALARM, level == Level.WARN ? a.warn() : a.level(), null);
    }
}

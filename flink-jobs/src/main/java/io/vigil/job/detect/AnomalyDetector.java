package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Anomaly;
import io.vigil.job.rules.Rule;

/**
 * The {@code anomaly} rule kind: judges the series' anomaly score, which the series evaluator computes once per
 * reading with the series' one model ({@link io.vigil.job.anomaly.AnomalyModel}) — the same score that is stored.
 * WARN from the rule's {@code warn} score, ALARM (held open) from its {@code level}, cleared below the level.
 */
public final class AnomalyDetector implements Detector {
    @Override
    public String kind() {
        return Anomaly.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, double score) {
        Anomaly a = rule.condition(Anomaly.class);
        if (a == null || Double.isNaN(score)) {
            return null;
        }
        Level level = score >= a.level() ? Level.ALARM
                : a.warn() != null && score >= a.warn() ? Level.WARN : Level.NORMAL;
        return Signal.of(rule, kind(), r, level, level != Level.ALARM, level == Level.WARN ? a.warn() : a.level(), null);
    }
}

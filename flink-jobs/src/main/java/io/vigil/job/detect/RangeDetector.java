package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Range;
import io.vigil.job.rules.Rule;

/** ALARM for a physically impossible value (outside the rule's range): the sensor, not the world, is broken. */
public final class RangeDetector implements Detector {
    @Override
    public String kind() {
        return Range.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly) {
        Range range = rule.range();
        if (range == null) {
            return null;
        }
        boolean possible = range.possible(r.value());
        double bound = r.value() < range.min() ? range.min() : range.max();
        return Signal.of(rule, kind(), r, possible ? Level.NORMAL : Level.ALARM, possible, bound, null);
    }
}

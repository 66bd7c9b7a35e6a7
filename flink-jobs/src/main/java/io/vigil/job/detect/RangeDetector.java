package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Range;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import org.apache.flink.util.Collector;

/** ALARM for a physically impossible value (outside the rule's range): the sensor, not the world, is broken. */
public final class RangeDetector extends EventTimeDetector {
    private static final long serialVersionUID = 1L;

    public RangeDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return Range.KIND;
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) {
        Range range = rule.condition(Range.class);
        if (range == null) {
            return;
        }
        boolean possible = range.possible(r.value());
        double bound = r.value() < range.min() ? range.min() : range.max();
        out.collect(signal(rule, kind(), r, possible ? Level.NORMAL : Level.ALARM, possible, bound, null));
    }
}

package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.Threshold;
import org.apache.flink.util.Collector;

/**
 * Compares every reading with a threshold's levels: ALARM beyond the limit, WARN beyond the warn level, and
 * "cleared" once past the clear level (hysteresis). Holding times ({@code for}, {@code clear_for}) belong to the
 * incident lifecycle, so this detector keeps no state beyond the event-time buffer.
 */
public final class ThresholdDetector extends EventTimeDetector {
    private static final long serialVersionUID = 1L;

    public ThresholdDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return Threshold.KIND;
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) {
        Threshold th = rule.threshold();
        if (th == null) {
            return;
        }
        double v = r.value();
        Direction d = th.direction();
        Level level = d.beyond(v, th.limit()) ? Level.ALARM
                : th.hasWarn() && d.beyond(v, th.warn()) ? Level.WARN : Level.NORMAL;
        double limit = switch (level) {
            case ALARM -> th.limit();
            case WARN -> th.warn();
            case NORMAL -> th.clear();
        };
        out.collect(signal(rule, kind(), r, level, d.within(v, th.clear()), limit, null));
    }
}

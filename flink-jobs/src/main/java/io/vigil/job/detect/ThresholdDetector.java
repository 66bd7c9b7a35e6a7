package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.Threshold;

/**
 * Compares every reading with a threshold's levels: ALARM beyond the limit, WARN beyond the warn level, and
 * "cleared" once past the clear level (hysteresis). Holding times ({@code for}, {@code clear_for}) belong to the
 * incident machine, so this detector remembers nothing.
 */
public final class ThresholdDetector implements Detector {
    @Override
    public String kind() {
        return Threshold.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly) {
        Threshold th = rule.threshold();
        if (th == null) {
            return null;
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
        return Signal.of(rule, kind(), r, level, d.within(v, th.clear()), limit, null);
    }
}

package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.RateOfChange;
import io.vigil.job.rules.Rule;

/**
 * A change of more than {@code delta} within the window: the reading against the lowest (for a rise) or highest
 * (for a fall) value of the window before it. Keeps the window's readings as primitives ({@link Points}).
 */
public final class RateDetector implements Detector {
    @Override
    public String kind() {
        return RateOfChange.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly) {
        RateOfChange rate = rule.rateOfChange();
        if (rate == null) {
            return null;
        }
        Points points = state.rate != null ? state.rate : Points.decode(null);
        points.dropBefore(r.eventTime() - rate.window().toMillis());
        double extreme = r.value();
        for (int i = 0; i < points.size(); i++) {
            extreme = rate.direction() == Direction.ABOVE ? Math.min(extreme, points.value(i))
                    : Math.max(extreme, points.value(i));
        }
        points.put(r.eventTime(), r.value());
        state.rate = points;
        boolean fired = Math.abs(r.value() - extreme) > rate.delta();
        Level level = !fired ? Level.NORMAL : rate.alarm() ? Level.ALARM : Level.WARN;
        // a warning-only rate never holds an ALARM open
        return Signal.of(rule, kind(), r, level, !fired || !rate.alarm(), rate.delta(), null);
    }

    @Override
    public long memoryMs(Rule rule) {
        RateOfChange rate = rule.rateOfChange();
        return rate == null ? Long.MAX_VALUE : rate.window().toMillis();
    }

    @Override
    public void forgetIfSilent(Rule rule, RuleState state, long silentMs) {
        if (silentMs > memoryMs(rule)) {
            state.rate = null;
        }
    }
}

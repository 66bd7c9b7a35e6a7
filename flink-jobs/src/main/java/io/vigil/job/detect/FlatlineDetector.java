package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Flatline;
import io.vigil.job.rules.Rule;

/**
 * A stuck sensor: ALARM once every reading for {@code duration} stayed within {@code epsilon} of the first of
 * the run. Real sensors jitter; a frozen one repeats itself. Keeps the run's first value and time.
 */
public final class FlatlineDetector implements Detector {
    @Override
    public String kind() {
        return Flatline.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly) {
        Flatline flat = rule.flatline();
        if (flat == null) {
            return null;
        }
        if (state.flatSince == RuleState.NONE || Math.abs(r.value() - state.flatValue) > flat.epsilon()) {
            state.flatValue = r.value();
            state.flatSince = r.eventTime();
            return Signal.of(rule, kind(), r, Level.NORMAL, true, flat.epsilon(), null);
        }
        boolean stuck = r.eventTime() - state.flatSince >= flat.duration().toMillis();
        return Signal.of(rule, kind(), r, stuck ? Level.ALARM : Level.NORMAL, !stuck, flat.epsilon(), null);
    }

    @Override
    public long memoryMs(Rule rule) {
        Flatline flat = rule.flatline();
        return flat == null ? Long.MAX_VALUE : 2 * flat.duration().toMillis();
    }

    @Override
    public void forgetIfSilent(Rule rule, RuleState state, long silentMs) {
        if (silentMs > memoryMs(rule)) {
            state.flatSince = RuleState.NONE;
            state.flatValue = Double.NaN;
        }
    }
}

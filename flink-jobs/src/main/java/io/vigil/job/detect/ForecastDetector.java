package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.PredictedCrossing;
import io.vigil.job.rules.Rule;

/**
 * Predicted crossing: fits a robust trend ({@link TrendFit}) through the readings of the last window and says
 * WARN, with the predicted time of crossing as ETA, when the limit would be reached within the horizon; NORMAL
 * (the prediction is withdrawn) as soon as it would not. Fewer than {@code minReadings} readings: no opinion.
 */
public final class ForecastDetector implements Detector {
    /**
     * At most about this many points per window (or twice the rule's {@code min_readings}, if more): kept points
     * are at least window / that apart, and the newest reading is always in. A gauge reading every few seconds
     * keeps every reading; a device sending 100 readings a second would otherwise hold thousands per window and
     * fit millions of slopes per reading, where a few dozen points spread over the window give the same trend.
     */
    static final int MAX_POINTS = 60;

    @Override
    public String kind() {
        return PredictedCrossing.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly) {
        PredictedCrossing f = rule.forecast();
        if (f == null) {
            return null;
        }
        long now = r.eventTime();
        long spacing = f.window().toMillis() / Math.max(MAX_POINTS, 2 * f.minReadings());
        Points window = state.forecast != null ? state.forecast : Points.decode(null);
        window.dropUntil(now - f.window().toMillis());
        // thinning: the newest point only stood in for its stretch of the window until this later reading came
        int newest = -1;
        int before = -1;
        for (int i = 0; i < window.size(); i++) {
            if (window.time(i) == now) {
                continue;
            }
            if (newest < 0 || window.time(i) > window.time(newest)) {
                before = newest;
                newest = i;
            } else if (before < 0 || window.time(i) > window.time(before)) {
                before = i;
            }
        }
        if (before >= 0 && window.time(newest) - window.time(before) < spacing) {
            window.removeAt(newest);
        }
        window.put(now, r.value());
        state.forecast = window;
        int n = window.size();
        if (n < f.minReadings()) {
            return null;
        }
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = window.time(i) - now;
            v[i] = window.value(i);
        }
        long until = TrendFit.of(t, v).msUntil(f.limit(), f.direction() == Direction.ABOVE);
        boolean coming = until >= 0 && until <= f.horizon().toMillis();
        // a forecast only pre-warns: it never holds an ALARM open, so it is always "cleared"
        return Signal.of(rule, kind(), r, coming ? Level.WARN : Level.NORMAL, true, f.limit(),
                coming ? now + until : null);
    }

    @Override
    public long memoryMs(Rule rule) {
        PredictedCrossing f = rule.forecast();
        return f == null ? Long.MAX_VALUE : f.window().toMillis();
    }

    @Override
    public void forgetIfSilent(Rule rule, RuleState state, long silentMs) {
        if (silentMs > memoryMs(rule)) {
            state.forecast = null;
        }
    }
}

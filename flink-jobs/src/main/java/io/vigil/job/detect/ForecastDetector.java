package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.PredictedCrossing;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Predicted crossing: fits a robust trend ({@link TrendFit}) through the readings of the last window and says
 * WARN, with the predicted time of crossing as ETA, when the limit would be reached within the horizon; NORMAL
 * (the prediction is withdrawn) as soon as it would not. Fewer than {@code minReadings} readings: no opinion.
 */
public final class ForecastDetector extends EventTimeDetector {
    /**
     * At most about this many points per window (or twice the rule's {@code min_readings}, if more): kept points
     * are at least window / that apart, and the newest reading is always in. A gauge reading every few seconds
     * keeps every reading; a device sending 100 readings a second would otherwise hold thousands per window in
     * state and fit millions of slopes per reading (the top hot spot of the end-to-end benchmark), where a few dozen
     * points spread over the window give the same trend.
     */
    static final int MAX_POINTS = 60;
    private static final long serialVersionUID = 1L;
    private transient MapState<Long, Double> window;

    public ForecastDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return PredictedCrossing.KIND;
    }

    @Override
    protected void openState() {
        window = getRuntimeContext().getMapState(new MapStateDescriptor<>("forecast-window", Types.LONG,
                Types.DOUBLE));
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        PredictedCrossing f = rule.condition(PredictedCrossing.class);
        if (f == null) {
            return;
        }
        long now = r.eventTime();
        long spacing = f.window().toMillis() / Math.max(MAX_POINTS, 2 * f.minReadings());
        // primitives, not boxed lists: this runs for every reading of every forecast series
        long[] t = new long[MAX_POINTS + 2];
        double[] v = new double[MAX_POINTS + 2];
        int n = 0;
        int newestAt = -1;
        long newest = Long.MIN_VALUE;
        long before = Long.MIN_VALUE;
        for (Iterator<Map.Entry<Long, Double>> it = window.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Double> e = it.next();
            long at = e.getKey();
            if (at <= now - f.window().toMillis()) {
                it.remove();
            } else if (at != now) {
                if (n + 1 == t.length) {
                    t = Arrays.copyOf(t, 2 * t.length);
                    v = Arrays.copyOf(v, 2 * v.length);
                }
                t[n] = at - now;
                v[n] = e.getValue();
                if (at > newest) {
                    before = newest;
                    newest = at;
                    newestAt = n;
                } else if (at > before) {
                    before = at;
                }
                n++;
            }
        }
        if (before != Long.MIN_VALUE && newest - before < spacing) {
            // thinning: the newest point only stood in for its stretch of the window until this later reading came
            window.remove(newest);
            n--;
            t[newestAt] = t[n];
            v[newestAt] = v[n];
        }
        window.put(now, r.value());
        t[n] = 0L;
        v[n] = r.value();
        n++;
        if (n < f.minReadings()) {
            return;
        }
        t = Arrays.copyOf(t, n);
        v = Arrays.copyOf(v, n);
        long until = TrendFit.of(t, v).msUntil(f.limit(), f.direction() == Direction.ABOVE);
        boolean coming = until >= 0 && until <= f.horizon().toMillis();
        // a forecast only pre-warns: it never holds an ALARM open, so it is always "cleared"
        out.collect(signal(rule, kind(), r, coming ? Level.WARN : Level.NORMAL, true, f.limit(),
                coming ? now + until : null));
    }

    @Override
    protected Duration forgetAfter(Rule rule) {
        PredictedCrossing f = rule.condition(PredictedCrossing.class);
        return f == null ? Duration.ZERO : f.window();
    }

    @Override
    protected void clear() {
        window.clear();
    }
}

package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.PredictedCrossing;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        long before = Long.MIN_VALUE;
        for (Iterator<Map.Entry<Long, Double>> it = window.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Double> e = it.next();
            long at = e.getKey();
            if (at <= now - f.window().toMillis()) {
                it.remove();
            } else if (at != now) {
                times.add(at - now);
                values.add(e.getValue());
                if (at > newest) {
                    before = newest;
                    newest = at;
                } else if (at > before) {
                    before = at;
                }
            }
        }
        if (before != Long.MIN_VALUE && newest - before < spacing) {
            // thinning: the newest point only stood in for its stretch of the window until this later reading came
            window.remove(newest);
            int i = times.indexOf(newest - now);
            times.remove(i);
            values.remove(i);
        }
        window.put(now, r.value());
        times.add(0L);
        values.add(r.value());
        if (times.size() < f.minReadings()) {
            return;
        }
        long[] t = times.stream().mapToLong(Long::longValue).toArray();
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
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

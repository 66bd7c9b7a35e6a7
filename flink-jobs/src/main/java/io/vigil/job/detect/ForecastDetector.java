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
        window.put(now, r.value());
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Double>> it = window.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Double> e = it.next();
            if (e.getKey() <= now - f.window().toMillis()) {
                it.remove();
            } else {
                times.add(e.getKey() - now);
                values.add(e.getValue());
            }
        }
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

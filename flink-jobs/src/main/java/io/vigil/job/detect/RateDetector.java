package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.RateOfChange;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * A change of more than {@code delta} within the window: the reading against the lowest (for a rise) or highest
 * (for a fall) value of the window before it. Keeps the window's readings (event time → value).
 */
public final class RateDetector extends EventTimeDetector {
    private static final long serialVersionUID = 1L;
    private transient MapState<Long, Double> window;

    public RateDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return RateOfChange.KIND;
    }

    @Override
    protected void openState() {
        window = getRuntimeContext().getMapState(new MapStateDescriptor<>("rate-window", Types.LONG, Types.DOUBLE));
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        RateOfChange rate = rule.condition(RateOfChange.class);
        if (rate == null) {
            return;
        }
        long from = r.eventTime() - rate.window().toMillis();
        double extreme = r.value();
        for (Iterator<Map.Entry<Long, Double>> it = window.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Double> e = it.next();
            if (e.getKey() < from) {
                it.remove();
            } else {
                extreme = rate.direction() == Direction.ABOVE ? Math.min(extreme, e.getValue())
                        : Math.max(extreme, e.getValue());
            }
        }
        window.put(r.eventTime(), r.value());
        double change = Math.abs(r.value() - extreme);
        boolean fired = change > rate.delta();
        Level level = !fired ? Level.NORMAL : rate.alarm() ? Level.ALARM : Level.WARN;
        // a warning-only rate never holds an ALARM open
        out.collect(signal(rule, kind(), r, level, !fired || !rate.alarm(), rate.delta(), null));
    }

    @Override
    protected Duration forgetAfter(Rule rule) {
        RateOfChange rate = rule.condition(RateOfChange.class);
        return rate == null ? Duration.ZERO : rate.window();
    }

    @Override
    protected void clear() {
        window.clear();
    }
}

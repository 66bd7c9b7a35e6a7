package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.RateOfChange;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.util.Collector;

/**
 * A change of more than {@code delta} within the window: the reading against the lowest (for a rise) or highest
 * (for a fall) value of the window before it. Keeps the window's readings (event time → value) as one
 * compact {@link Points} array.
 */
public final class RateDetector extends EventTimeDetector {
    private static final long serialVersionUID = 1L;
    private transient ValueState<byte[]> window;

    public RateDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return RateOfChange.KIND;
    }

    @Override
    protected void openState() {
        window = getRuntimeContext().getState(new ValueStateDescriptor<>("rate-points",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        RateOfChange rate = rule.condition(RateOfChange.class);
        if (rate == null) {
            return;
        }
        long from = r.eventTime() - rate.window().toMillis();
        double extreme = r.value();
        Points points = Points.decode(window.value());
        points.dropBefore(from);
        for (int i = 0; i < points.size(); i++) {
            extreme = rate.direction() == Direction.ABOVE ? Math.min(extreme, points.value(i))
                    : Math.max(extreme, points.value(i));
        }
        points.put(r.eventTime(), r.value());
        window.update(points.encode());
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

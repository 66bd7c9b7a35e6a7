package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Flatline;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * A stuck sensor: ALARM once every reading for {@code duration} stayed within {@code epsilon} of the first of
 * the run. Real sensors jitter; a frozen one repeats itself. Keeps the run's first value and time.
 */
public final class FlatlineDetector extends EventTimeDetector {
    private static final long serialVersionUID = 1L;
    /** The current run: its first value and when it was read (one state entry, not two). */
    private transient ValueState<Run> run;

    /** A run of readings within epsilon of its first. */
    public record Run(double value, long since) {}

    public FlatlineDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return Flatline.KIND;
    }

    @Override
    protected void openState() {
        run = getRuntimeContext().getState(new ValueStateDescriptor<>("flat-run", Run.class));
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        Flatline flat = rule.condition(Flatline.class);
        if (flat == null) {
            return;
        }
        Run current = run.value();
        if (current == null || Math.abs(r.value() - current.value()) > flat.epsilon()) {
            run.update(new Run(r.value(), r.eventTime()));
            out.collect(signal(rule, kind(), r, Level.NORMAL, true, flat.epsilon(), null));
            return;
        }
        boolean stuck = r.eventTime() - current.since() >= flat.duration().toMillis();
        out.collect(signal(rule, kind(), r, stuck ? Level.ALARM : Level.NORMAL, !stuck, flat.epsilon(), null));
    }

    @Override
    protected Duration forgetAfter(Rule rule) {
        Flatline flat = rule.condition(Flatline.class);
        return flat == null ? Duration.ZERO : flat.duration().multipliedBy(2);
    }

    @Override
    protected void clear() {
        run.clear();
    }
}

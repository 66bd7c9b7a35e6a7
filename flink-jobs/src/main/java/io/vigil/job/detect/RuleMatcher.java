package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Routes each reading to every rule that watches its series. Readings whose value is not a finite number cannot
 * be compared with a level and are not evaluated (the series sink still stores what it can).
 */
public final class RuleMatcher extends RichFlatMapFunction<Reading, RuleReading> {
    private static final long serialVersionUID = 1L;
    private final RuleSet rules;
    private transient Counter notANumber;

    public RuleMatcher(RuleSet rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        notANumber = getRuntimeContext().getMetricGroup().counter("readingsNotANumber");
    }

    @Override
    public void flatMap(Reading reading, Collector<RuleReading> out) {
        if (!Double.isFinite(reading.value())) {
            notANumber.inc();
            return;
        }
        for (Rule rule : rules.matching(reading)) {
            out.collect(new RuleReading(rule.id(), reading));
        }
    }
}

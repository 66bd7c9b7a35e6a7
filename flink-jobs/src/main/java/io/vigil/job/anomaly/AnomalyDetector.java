package io.vigil.job.anomaly;

import io.vigil.common.Reading;
import io.vigil.job.detect.EventTimeDetector;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import io.vigil.job.rules.Anomaly;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.util.Collector;

/**
 * The {@code anomaly} rule kind: its own {@link SeriesAnomaly} per rule and series, with the default settings, so
 * it sees the same readings in the same order as the {@link AnomalyScorer} and its score equals the stored one.
 * WARN from the rule's {@code warn} score, ALARM (held open) from its {@code level}, cleared below the level.
 */
public final class AnomalyDetector extends EventTimeDetector {
    private static final long serialVersionUID = 1L;
    private final AnomalySettings settings;
    private transient ValueState<byte[]> model;

    public AnomalyDetector(RuleSet rules) {
        this(rules, AnomalySettings.defaults());
    }

    public AnomalyDetector(RuleSet rules, AnomalySettings settings) {
        super(rules);
        this.settings = settings;
    }

    @Override
    public String kind() {
        return Anomaly.KIND;
    }

    @Override
    protected void openState() {
        model = getRuntimeContext().getState(new ValueStateDescriptor<>("anomaly-model",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        Anomaly a = rule.condition(Anomaly.class);
        if (a == null) {
            return;
        }
        SeriesAnomaly m = SeriesAnomaly.fromBytes(settings, model.value());
        double score = m.update(r.eventTime(), r.value()).score();
        model.update(m.toBytes());
        Level level = score >= a.level() ? Level.ALARM
                : a.warn() != null && score >= a.warn() ? Level.WARN : Level.NORMAL;
        out.collect(signal(rule, kind(), r, level, level != Level.ALARM,
                level == Level.WARN ? a.warn() : a.level(), null));
    }

    @Override
    protected Duration forgetAfter(Rule rule) {
        return settings.forgetAfter();
    }

    @Override
    protected void clear() {
        model.clear();
    }
}

package io.vigil.job.anomaly;

import io.vigil.common.Reading;
import io.vigil.job.detect.LazyForget;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scores every reading of a series (key {@code deviceId/metric}) with its {@link SeriesAnomaly} (calibrated score). Like the
 * detectors, it buffers a reading until the watermark passes it and scores in timestamp order (ties in arrival
 * order), so live input, replays and backtests give the same scores; a reading already behind the watermark is
 * late: counted, not scored. A series silent for {@link AnomalySettings#forgetAfter} loses its model (one forget
 * timer stays armed and is moved lazily when it fires early, rather than moved with every reading).
 */
public final class AnomalyScorer extends KeyedProcessFunction<String, Reading, AnomalyScore> {
    private static final long serialVersionUID = 1L;
    private final AnomalySettings settings;
    private transient MapState<Long, List<Reading>> pending;
    private transient ValueState<byte[]> model;
    /** {@link LazyForget}'s state. */
    private transient ValueState<long[]> forget;
    private transient Counter late;

    public AnomalyScorer(AnomalySettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("anomaly-pending", Types.LONG,
                Types.LIST(TypeInformation.of(Reading.class))));
        model = getRuntimeContext().getState(new ValueStateDescriptor<>("anomaly-model",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        forget = getRuntimeContext().getState(new ValueStateDescriptor<>("anomaly-forget",
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        late = getRuntimeContext().getMetricGroup().counter("lateReadings");
    }

    @Override
    public void processElement(Reading r, Context ctx, Collector<AnomalyScore> out) throws Exception {
        long ts = r.eventTime();
        if (ts <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        List<Reading> due = pending.get(ts);
        if (due == null) {
            due = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        due.add(r);
        pending.put(ts, due);
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<AnomalyScore> out) throws Exception {
        List<Reading> due = pending.get(ts);
        long after = settings.forgetAfter().toMillis();
        long[] f = forget.value();
        if (due == null) {
            if (LazyForget.isTimer(f, ts)) {
                long[] moved = LazyForget.fired(f, ts, after, ctx.timerService());
                if (moved == null) {
                    forget.clear();
                    model.clear();
                } else {
                    forget.update(moved);
                }
            }
            return;
        }
        pending.remove(ts);
        SeriesAnomaly m = SeriesAnomaly.fromBytes(settings, model.value());
        for (Reading r : due) {
            out.collect(score(r, m.update(r.eventTime(), r.value()).score()));
        }
        model.update(m.toBytes());
        forget.update(LazyForget.used(f, ts, after, ctx.timerService(), at -> !pending.contains(at)));
    }

    static AnomalyScore score(Reading r, double score) {
        return new AnomalyScore(r.deviceId(), r.site(), r.zone(), r.metric(), r.eventTime(), r.value(), score,
                r.unit());
    }
}

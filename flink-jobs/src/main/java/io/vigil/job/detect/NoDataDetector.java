package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import java.time.Duration;
import org.apache.flink.util.Collector;

/**
 * "Device offline": ALARM when a series has had no reading for {@code expected_every × factor}, NORMAL (cleared)
 * with its next reading.
 *
 * <p>Two timers per series. The event-time timer at {@code last + timeout} fires when the watermark (driven by
 * the other devices) passes it: exact and replay-safe. If the whole site goes silent the watermark stalls and
 * that timer never fires, so a processing-time timer at {@code arrival + timeout} raises the same ALARM (marked
 * {@link Signal#immediate()}); whichever fires first wins. End of input (watermark at +∞) is not silence.
 *
 * <p>A series silent for as long as the incident lifecycle keeps an incident ({@link
 * IncidentLifecycle#DEFAULT_FORGET_AFTER}, at least twice the timeout) is forgotten, like the incident.
 */
public final class NoDataDetector extends EventTimeDetector {
    private static final long serialVersionUID = 1L;
    private transient ValueState<Reading> last;
    private transient ValueState<Boolean> offline;
    private transient ValueState<Long> eventDeadline;
    private transient ValueState<Long> wallDeadline;

    public NoDataDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return NoData.KIND;
    }

    @Override
    protected void openState() {
        last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-reading", TypeInformation.of(Reading.class)));
        offline = getRuntimeContext().getState(new ValueStateDescriptor<>("offline", Types.BOOLEAN));
        eventDeadline = getRuntimeContext().getState(new ValueStateDescriptor<>("event-deadline", Types.LONG));
        wallDeadline = getRuntimeContext().getState(new ValueStateDescriptor<>("wall-deadline", Types.LONG));
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        NoData noData = rule.condition(NoData.class);
        if (noData == null) {
            return;
        }
        if (Boolean.TRUE.equals(offline.value())) {
            offline.clear();
            out.collect(signal(rule, kind(), r, Level.NORMAL, true, noData.timeoutMs(), null));
        }
        last.update(r);
        Long e = eventDeadline.value();
        if (e != null) {
            deleteOwnTimer(ctx.timerService(), e);
        }
        Long w = wallDeadline.value();
        if (w != null) {
            ctx.timerService().deleteProcessingTimeTimer(w);
        }
        long eventAt = r.eventTime() + noData.timeoutMs();
        long wallAt = ctx.timerService().currentProcessingTime() + noData.timeoutMs();
        ctx.timerService().registerEventTimeTimer(eventAt);
        ctx.timerService().registerProcessingTimeTimer(wallAt);
        eventDeadline.update(eventAt);
        wallDeadline.update(wallAt);
    }

    @Override
    protected void onDetectorTimer(Rule rule, long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        NoData noData = rule.condition(NoData.class);
        Reading r = last.value();
        boolean eventTime = ctx.timeDomain() == TimeDomain.EVENT_TIME;
        if (eventTime) {
            eventDeadline.clear();
            if (noData != null && r != null && ts < r.eventTime() + noData.timeoutMs()) {
                // the rule was changed to a longer timeout since this deadline was set
                long later = r.eventTime() + noData.timeoutMs();
                ctx.timerService().registerEventTimeTimer(later);
                eventDeadline.update(later);
                return;
            }
        } else {
            wallDeadline.clear();
        }
        if (noData == null || r == null || Boolean.TRUE.equals(offline.value())
                || eventTime && ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return;
        }
        offline.update(true);
        long silentSince = r.eventTime() + noData.timeoutMs();
        out.collect(new Signal(rule.id(), kind(), r.deviceId(), r.site(), r.zone(), r.metric(), r.unit(), Level.ALARM,
                false, r.value(), noData.timeoutMs(), null, silentSince, !eventTime, 0L));
    }

    @Override
    protected Duration forgetAfter(Rule rule) {
        NoData noData = rule.condition(NoData.class);
        long twice = noData == null ? 0 : 2 * noData.timeoutMs();
        return Duration.ofMillis(Math.max(IncidentLifecycle.DEFAULT_FORGET_AFTER.toMillis(), twice));
    }

    @Override
    protected void clear() {
        last.clear();
        offline.clear();
        eventDeadline.clear();
        wallDeadline.clear();
    }
}

package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
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
    private transient ValueState<SilenceWatch> watch;

    public NoDataDetector(RuleSet rules) {
        super(rules);
    }

    @Override
    public String kind() {
        return NoData.KIND;
    }

    @Override
    protected void openState() {
        watch = getRuntimeContext().getState(new ValueStateDescriptor<>("silence-watch", SilenceWatch.class));
    }

    @Override
    protected void onReading(Rule rule, Reading r, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
        NoData noData = rule.condition(NoData.class);
        if (noData == null) {
            return;
        }
        SilenceWatch w = watch.value();
        if (w == null) {
            w = new SilenceWatch();
        }
        if (w.offline) {
            w.offline = false;
            out.collect(signal(rule, kind(), r, Level.NORMAL, true, noData.timeoutMs(), null));
        }
        w.deviceId = r.deviceId();
        w.site = r.site();
        w.zone = r.zone();
        w.metric = r.metric();
        w.unit = r.unit();
        w.value = r.value();
        w.eventTime = r.eventTime();
        // Deadlines move lazily: a timer already armed for an earlier deadline stays, and when it fires it moves on
        // to the latest one (onDetectorTimer). Deleting and registering two timers per reading was a visible share
        // of the job's CPU.
        long deadline = r.eventTime() + noData.timeoutMs();
        if (w.eventDeadline != SilenceWatch.NONE && w.eventDeadline > deadline) {
            deleteOwnTimer(ctx.timerService(), w.eventDeadline); // the rule's timeout was shortened
            w.eventDeadline = SilenceWatch.NONE;
        }
        if (w.eventDeadline == SilenceWatch.NONE || w.eventDeadline <= r.eventTime()) {
            // none armed, or it was due at this reading's time and went with the reading's own timer
            w.eventDeadline = deadline;
            ctx.timerService().registerEventTimeTimer(deadline);
        }
        long wallDeadline = ctx.timerService().currentProcessingTime() + noData.timeoutMs();
        if (w.wallDeadline == SilenceWatch.NONE) {
            ctx.timerService().registerProcessingTimeTimer(wallDeadline);
        }
        w.wallDeadline = wallDeadline;
        watch.update(w);
    }

    @Override
    protected void onDetectorTimer(Rule rule, long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        NoData noData = rule.condition(NoData.class);
        SilenceWatch w = watch.value();
        if (w == null) {
            return;
        }
        boolean eventTime = ctx.timeDomain() == TimeDomain.EVENT_TIME;
        if (eventTime) {
            w.eventDeadline = SilenceWatch.NONE;
            if (noData != null && ts < w.eventTime + noData.timeoutMs()) {
                // the rule was changed to a longer timeout since this deadline was set
                w.eventDeadline = w.eventTime + noData.timeoutMs();
                ctx.timerService().registerEventTimeTimer(w.eventDeadline);
                watch.update(w);
                return;
            }
        } else if (w.wallDeadline != SilenceWatch.NONE && ts < w.wallDeadline) {
            // the series spoke since this timer was armed: on to its latest wall-clock deadline
            ctx.timerService().registerProcessingTimeTimer(w.wallDeadline);
            watch.update(w);
            return;
        } else {
            w.wallDeadline = SilenceWatch.NONE;
        }
        if (noData == null || w.offline || eventTime && ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            watch.update(w);
            return;
        }
        w.offline = true;
        watch.update(w);
        long silentSince = w.eventTime + noData.timeoutMs();
        out.collect(new Signal(rule.id(), kind(), w.deviceId, w.site, w.zone, w.metric, w.unit, Level.ALARM,
                false, w.value, noData.timeoutMs(), null, silentSince, !eventTime, 0L));
    }

    @Override
    protected Duration forgetAfter(Rule rule) {
        NoData noData = rule.condition(NoData.class);
        long twice = noData == null ? 0 : 2 * noData.timeoutMs();
        return Duration.ofMillis(Math.max(IncidentLifecycle.DEFAULT_FORGET_AFTER.toMillis(), twice));
    }

    @Override
    protected void clear() {
        watch.clear();
    }
}

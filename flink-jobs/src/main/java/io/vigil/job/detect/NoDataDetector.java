package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.Rule;

/**
 * "Device offline": ALARM when a series has had no reading for {@code expected_every × factor}, NORMAL (cleared)
 * with its next reading. A reading only clears; the silence itself is noticed by the series evaluator's timers,
 * which ask {@link #silence} for the ALARM: in event time when the watermark (driven by the other devices) passes
 * {@code last reading + timeout} — exact and replay-safe — or, when the whole site is silent and the watermark
 * stalls, in processing time one timeout after the last reading arrived ({@link Signal#immediate()}).
 */
public final class NoDataDetector implements Detector {
    @Override
    public String kind() {
        return NoData.KIND;
    }

    @Override
    public Signal onReading(Rule rule, Reading r, RuleState state, SeriesAnomaly.Assessment anomaly) {
        NoData noData = rule.noData();
        if (noData == null || !state.offline) {
            return null;
        }
        state.offline = false;
        return Signal.of(rule, kind(), r, Level.NORMAL, true, noData.timeoutMs(), null);
    }

    /** The series' silence under {@code rule} is due at this event time, or {@link RuleState#NONE}. */
    public static long deadline(Rule rule, RuleState state, long lastReading) {
        NoData noData = rule.noData();
        return noData == null || state.offline ? RuleState.NONE : lastReading + noData.timeoutMs();
    }

    /**
     * ALARM for a series silent since {@code last} (its last reading), once per silence.
     *
     * @param immediate true when noticed on processing time: the incident machine applies it at once
     * @return null if the rule has no no-data condition or the series is already offline under it
     */
    public static Signal silence(Rule rule, RuleState state, Reading last, boolean immediate) {
        NoData noData = rule.noData();
        if (noData == null || state.offline) {
            return null;
        }
        state.offline = true;
        return new Signal(rule.id(), NoData.KIND, last.deviceId(), last.site(), last.zone(), last.metric(), last.unit(),
                Level.ALARM, false, last.value(), noData.timeoutMs(), null, last.eventTime() + noData.timeoutMs(),
                immediate, 0L);
    }
}

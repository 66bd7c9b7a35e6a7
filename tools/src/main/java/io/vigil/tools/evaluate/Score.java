package io.vigil.tools.evaluate;

import java.util.ArrayList;
import java.util.List;

/**
 * How well the alerts of one scenario (or all of them) matched the truth.
 *
 * @param trueEvents       true events of every kind (crossings, frozen sensors, silent devices)
 * @param crossings        true limit crossings
 * @param preWarned        crossings with a pre-warning no later than the crossing
 * @param leadToCrossingMs per pre-warned crossing: true crossing time − first pre-warning
 * @param leadToAlarmMs    per pre-warned crossing that alarmed: ALARM time − first pre-warning (the report's lead)
 * @param missedAlarms     true events of any kind without an ALARM
 */
public record Score(String scenario, double deviceDays, int trueEvents, int crossings, int preWarned,
                    List<Long> leadToCrossingMs, List<Long> leadToAlarmMs, int falsePreWarnings, int falseAlarms,
                    int missedAlarms) {

    public Score {
        leadToCrossingMs = List.copyOf(leadToCrossingMs);
        leadToAlarmMs = List.copyOf(leadToAlarmMs);
    }

    /** Share of crossings pre-warned, 0..1; NaN without crossings. */
    public double preWarnedShare() {
        return crossings == 0 ? Double.NaN : (double) preWarned / crossings;
    }

    public double falsePreWarningsPerDeviceDay() {
        return falsePreWarnings / deviceDays;
    }

    public double falseAlarmsPerDeviceDay() {
        return falseAlarms / deviceDays;
    }

    /** Nearest-rank percentile (p in (0, 1]) of the lead times to the crossing, or null without any. */
    public Long leadToCrossing(double p) {
        return percentile(leadToCrossingMs, p);
    }

    public Long leadToAlarm(double p) {
        return percentile(leadToAlarmMs, p);
    }

    static Long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** All scenarios together: counts and device-days add up, lead times pool. */
    public static Score overall(List<Score> scores) {
        double deviceDays = 0;
        int trueEvents = 0, crossings = 0, preWarned = 0, falsePre = 0, falseAlarms = 0, missed = 0;
        List<Long> toCrossing = new ArrayList<>();
        List<Long> toAlarm = new ArrayList<>();
        for (Score s : scores) {
            deviceDays += s.deviceDays();
            trueEvents += s.trueEvents();
            crossings += s.crossings();
            preWarned += s.preWarned();
            falsePre += s.falsePreWarnings();
            falseAlarms += s.falseAlarms();
            missed += s.missedAlarms();
            toCrossing.addAll(s.leadToCrossingMs());
            toAlarm.addAll(s.leadToAlarmMs());
        }
        return new Score("overall", deviceDays, trueEvents, crossings, preWarned, toCrossing, toAlarm, falsePre,
                falseAlarms, missed);
    }
}

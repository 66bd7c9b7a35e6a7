package io.vigil.tools.evaluate;

import io.vigil.common.incident.HumanDurations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The evaluation as a plain-text table, one row per scenario and one for all of them. */
public final class ScoreTable {
    private static final String ROW = "%-14s %9s %9s %10s %12s %9s %12s %9s %14s %12s %8s%n";

    private ScoreTable() {}

    public static String format(List<Score> scenarios, Score overall) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, ROW, "scenario", "dev-days", "crossings", "pre-warned",
                "lead median", "lead p10", "to-alarm med", "alarm p10", "false pre/d-d", "false al/d-d", "missed"));
        List<Score> rows = new ArrayList<>(scenarios);
        rows.add(overall);
        for (Score s : rows) {
            out.append(String.format(Locale.ROOT, ROW, s.scenario(), number(s.deviceDays()), s.crossings(),
                    s.crossings() == 0 ? "-" : String.format(Locale.ROOT, "%d (%.0f%%)", s.preWarned(),
                            100 * s.preWarnedShare()),
                    duration(s.leadToCrossing(0.5)), duration(s.leadToCrossing(0.1)),
                    duration(s.leadToAlarm(0.5)), duration(s.leadToAlarm(0.1)),
                    String.format(Locale.ROOT, "%.3f", s.falsePreWarningsPerDeviceDay()),
                    String.format(Locale.ROOT, "%.3f", s.falseAlarmsPerDeviceDay()),
                    s.missedAlarms() + "/" + s.trueEvents()));
        }
        return out.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String duration(Long ms) {
        return ms == null ? "-" : HumanDurations.format(ms);
    }
}

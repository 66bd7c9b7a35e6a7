package io.vigil.tools.anomaly;

import io.vigil.tools.anomaly.LabelledCorpus.LabelledFile;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import io.vigil.job.group.GroupMembers;
import io.vigil.job.group.MemberChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Judges per-series anomaly assessments on a labelled corpus the way alarms are judged. A window is a run of
 * labelled rows; it is detected when an incident onset of any of the file's series falls inside it or at most
 * {@code lead} rows before its first row (labellers mark where they saw the anomaly, the onset may come a reading
 * earlier; delay: from the window's first row to that onset, negative when early). An onset outside every window is
 * a false alarm, except within {@code lead} rows before a window and {@code tail} rows after its end (labels tend to
 * stop before the disturbance does). Per row, a row is flagged when any series' score is at or above {@code level}:
 * precision, recall and F1 against the labels.
 *
 * <p>With {@code atLeast} k &gt; 0 a file of several series is one plant watched by a {@code group_anomaly} rule
 * instead: the onsets are the group's ALARMs (at least k series anomalous within {@code within} of each other,
 * counted by the job's own {@link GroupMembers}), and a row is flagged while the group is at ALARM.
 */
public final class CorpusEvaluation {
    private static final double DAY_MS = 86_400_000.0;

    /** Fills scores and onsets of one series, fed in time order to a fresh model (what the job does per series). */
    @FunctionalInterface
    public interface SeriesAssessor {
        void assess(long[] times, double[] values, double[] scores, boolean[] onsets);
    }

    /** The figures of one file, or (name "all", "anomaly-free") of a set of files. */
    public record Figures(String name, int series, double seriesDays, int windows, int detected, int falseAlarms,
                          long truePositives, long falsePositives, long falseNegatives, long[] delaysMs) {
        public double falseAlarmsPerSeriesDay() {
            return seriesDays == 0 ? Double.NaN : falseAlarms / seriesDays;
        }

        public double windowsDetected() {
            return windows == 0 ? Double.NaN : detected / (double) windows;
        }

        public double precision() {
            return truePositives + falsePositives == 0 ? Double.NaN
                    : truePositives / (double) (truePositives + falsePositives);
        }

        public double recall() {
            return truePositives + falseNegatives == 0 ? Double.NaN
                    : truePositives / (double) (truePositives + falseNegatives);
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? Double.NaN : 2 * p * r / (p + r);
        }

        /** The q-quantile of the detection delays, NaN without detections. */
        public double delayMs(double q) {
            if (delaysMs.length == 0) {
                return Double.NaN;
            }
            long[] sorted = delaysMs.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
        }
    }

    /** How onsets are credited and what an alarm is: per series (atLeast 0) or k of a file's series. */
    public record Judging(double level, int leadRows, int tailRows, int atLeast, long withinMs) {
        public Judging {
            if (level <= 0 || level > 1 || leadRows < 0 || tailRows < 0 || atLeast < 0 || withinMs < 0) {
                throw new IllegalArgumentException("need 0 < level <= 1 and lead, tail, at-least, within >= 0");
            }
        }

        public static Judging perSeries(double level, int leadRows, int tailRows) {
            return new Judging(level, leadRows, tailRows, 0, 0);
        }
    }

    private final SeriesAssessor assessor;
    private final Judging judging;

    public CorpusEvaluation(SeriesAssessor assessor, Judging judging) {
        this.assessor = assessor;
        this.judging = judging;
    }

    public Figures evaluate(LabelledFile f) {
        int n = f.rows();
        boolean[] flagged = new boolean[n];
        List<Integer> onsets = new ArrayList<>();
        double[] scores = new double[n];
        boolean[] onset = new boolean[n];
        boolean group = judging.atLeast() > 0;
        List<List<MemberChange>> changes = new ArrayList<>(group ? n : 0);
        for (int i = 0; group && i < n; i++) {
            changes.add(new ArrayList<>(0));
        }
        for (int c = 0; c < f.columns().length; c++) {
            Arrays.fill(scores, 0);
            Arrays.fill(onset, false);
            assessor.assess(f.times(), f.columns()[c], scores, onset);
            boolean anomalous = false;
            for (int i = 0; i < n; i++) {
                if (!group) {
                    flagged[i] |= scores[i] >= judging.level();
                    if (onset[i]) {
                        onsets.add(i);
                    }
                } else if (MemberChange.anomalousAfter(anomalous, new SeriesAnomaly.Assessment(scores[i], onset[i]))
                        != anomalous) { // what the series evaluator tells a group watch (MemberChange.of)
                    anomalous = !anomalous;
                    changes.get(i).add(new MemberChange("k-of-n", f.name(), f.name(), "*", "*", "series-" + c,
                            anomalous, f.times()[i], judging.atLeast(), judging.withinMs(), 0));
                }
            }
        }
        if (group) {
            plantAlarms(f.times(), changes, flagged, onsets);
        }
        int tail = judging.tailRows();
        int lead = judging.leadRows();
        boolean[] excused = new boolean[n];
        int windows = 0;
        int detected = 0;
        List<Long> delays = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            if (!f.labels()[start] || start > 0 && f.labels()[start - 1]) {
                continue;
            }
            int end = start;
            while (end + 1 < n && f.labels()[end + 1]) {
                end++;
            }
            windows++;
            for (int i = Math.max(0, start - lead); i <= Math.min(n - 1, end + tail); i++) {
                excused[i] = true;
            }
            int first = Integer.MAX_VALUE;
            for (int i : onsets) {
                if (i >= start - lead && i <= end) {
                    first = Math.min(first, i);
                }
            }
            if (first != Integer.MAX_VALUE) {
                detected++;
                delays.add(f.times()[first] - f.times()[start]);
            }
        }
        int falseAlarms = 0;
        for (int i : onsets) {
            if (!excused[i]) {
                falseAlarms++;
            }
        }
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < n; i++) {
            if (flagged[i] && f.labels()[i]) {
                tp++;
            } else if (flagged[i]) {
                fp++;
            } else if (f.labels()[i]) {
                fn++;
            }
        }
        int series = group ? 1 : f.columns().length; // a plant pages as one: its false alarms are per plant-day
        double days = n < 2 ? 0 : (f.times()[n - 1] - f.times()[0]) / DAY_MS;
        return new Figures(f.name(), series, series * days, windows, detected, falseAlarms, tp, fp, fn,
                delays.stream().mapToLong(Long::longValue).toArray());
    }

    /** Runs the job's group counting over the series' changes row by row: its ALARMs are the plant's onsets. */
    private static void plantAlarms(long[] times, List<List<MemberChange>> changes, boolean[] flagged,
                                    List<Integer> onsets) {
        GroupMembers plant = new GroupMembers();
        long forgetAfterMs = IncidentLifecycle.DEFAULT_FORGET_AFTER.toMillis();
        boolean alarmed = false;
        for (int i = 0; i < times.length; i++) {
            changes.get(i).forEach(plant::add);
            for (Signal s : plant.advance(times[i], forgetAfterMs)) {
                boolean alarm = s.level() == Level.ALARM;
                if (alarm && !alarmed) {
                    onsets.add(i);
                }
                alarmed = alarm;
            }
            flagged[i] = alarmed;
        }
    }

    /** The sum of several files' figures under one name. */
    public static Figures total(String name, List<Figures> parts) {
        int series = 0;
        double seriesDays = 0;
        int windows = 0;
        int detected = 0;
        int falseAlarms = 0;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        List<Long> delays = new ArrayList<>();
        for (Figures p : parts) {
            series += p.series();
            seriesDays += p.seriesDays();
            windows += p.windows();
            detected += p.detected();
            falseAlarms += p.falseAlarms();
            tp += p.truePositives();
            fp += p.falsePositives();
            fn += p.falseNegatives();
            for (long d : p.delaysMs()) {
                delays.add(d);
            }
        }
        return new Figures(name, series, seriesDays, windows, detected, falseAlarms, tp, fp, fn,
                delays.stream().mapToLong(Long::longValue).toArray());
    }
}

package io.vigil.tools.anomaly;

import io.vigil.tools.anomaly.LabelledCorpus.LabelledFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Judges per-series anomaly assessments on a labelled corpus the way alarms are judged. A window is a run of
 * labelled rows; it is detected when an incident onset of any of the file's series falls inside it (delay: from the
 * window's first row to that onset). An onset outside every window is a false alarm, except within
 * {@code tail} rows after a window's end (labels tend to stop before the disturbance does). Per row, a row is
 * flagged when any series' score is at or above {@code level}: precision, recall and F1 against the labels.
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

    private final SeriesAssessor assessor;
    private final double level;
    private final int tail;

    public CorpusEvaluation(SeriesAssessor assessor, double level, int tailRows) {
        this.assessor = assessor;
        this.level = level;
        this.tail = tailRows;
    }

    public Figures evaluate(LabelledFile f) {
        int n = f.rows();
        boolean[] flagged = new boolean[n];
        List<Integer> onsets = new ArrayList<>();
        double[] scores = new double[n];
        boolean[] onset = new boolean[n];
        for (double[] column : f.columns()) {
            Arrays.fill(scores, 0);
            Arrays.fill(onset, false);
            assessor.assess(f.times(), column, scores, onset);
            for (int i = 0; i < n; i++) {
                flagged[i] |= scores[i] >= level;
                if (onset[i]) {
                    onsets.add(i);
                }
            }
        }
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
            for (int i = start; i <= Math.min(n - 1, end + tail); i++) {
                excused[i] = true;
            }
            int first = Integer.MAX_VALUE;
            for (int i : onsets) {
                if (i >= start && i <= end) {
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
        int series = f.columns().length;
        double days = n < 2 ? 0 : (f.times()[n - 1] - f.times()[0]) / DAY_MS;
        return new Figures(f.name(), series, series * days, windows, detected, falseAlarms, tp, fp, fn,
                delays.stream().mapToLong(Long::longValue).toArray());
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

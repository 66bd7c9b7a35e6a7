package io.vigil.sim.anomaly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Event-level scoring of an anomaly detector on generated series, one set of series per anomaly kind (so every
 * figure belongs to one kind) plus a set of normal-only series. An alarm is a run of readings scored at or above
 * the level (runs less than {@code merge} apart are one alarm). A window is detected if an alarm reading falls
 * in it or within {@code grace} after its end; the delay is from the window's start to that first reading. An
 * alarm that starts outside every window (plus grace) is a false alarm. Precision = detected windows / (detected
 * windows + false alarms), recall = detected windows / windows.
 */
public final class DetectionEvaluation {
    /** Scores of every reading of a series, in its order; a scorer must see only earlier readings (causal). */
    @FunctionalInterface
    public interface SeriesScorer {
        double[] score(LabelledSeries series);
    }

    /** Figures of one set of series. {@code kind} null: the normal-only set. Delays in ms, NaN without detections. */
    public record Result(AnomalyKind kind, int series, double days, int windows, int detected, int falseAlarms,
                         double medianDelayMs, double p90DelayMs) {
        public double precision() {
            return detected + falseAlarms == 0 ? Double.NaN : detected / (double) (detected + falseAlarms);
        }

        public double recall() {
            return windows == 0 ? Double.NaN : detected / (double) windows;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        public double falseAlarmsPerSeriesDay() {
            return falseAlarms / (series * days);
        }
    }

    private final SeriesGenerator generator;
    private final int seriesPerKind;
    private final int days;
    private final int perKind;
    private final double level;
    private final long grace;
    private final long merge;

    public DetectionEvaluation(long seed, int seriesPerKind, int days, int perKind, double level, long graceMs,
                               long mergeMs) {
        this.generator = new SeriesGenerator(seed);
        this.seriesPerKind = seriesPerKind;
        this.days = days;
        this.perKind = perKind;
        this.level = level;
        this.grace = graceMs;
        this.merge = mergeMs;
    }

    /** One result per kind (in {@link AnomalyKind} order), then the normal-only set. */
    public List<Result> run(SeriesScorer scorer) {
        List<Result> out = new ArrayList<>();
        int index = 0;
        for (AnomalyKind k : AnomalyKind.values()) {
            out.add(evaluate(k, index, List.of(k), scorer));
            index += seriesPerKind;
        }
        out.add(evaluate(null, index, List.of(), scorer));
        return out;
    }

    private Result evaluate(AnomalyKind kind, int firstIndex, List<AnomalyKind> kinds, SeriesScorer scorer) {
        int windows = 0;
        int detected = 0;
        int falseAlarms = 0;
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < seriesPerKind; i++) {
            LabelledSeries s = generator.series(firstIndex + i, days, kinds, kinds.isEmpty() ? 0 : perKind);
            double[] scores = scorer.score(s);
            windows += s.windows().size();
            for (LabelledWindow w : s.windows()) {
                for (int j = 0; j < s.size(); j++) {
                    if (scores[j] >= level && w.contains(s.times()[j], grace)) {
                        detected++;
                        delays.add(s.times()[j] - w.start());
                        break;
                    }
                }
            }
            long lastAlarm = Long.MIN_VALUE;
            for (int j = 0; j < s.size(); j++) {
                if (scores[j] < level) {
                    continue;
                }
                long t = s.times()[j];
                boolean newAlarm = lastAlarm == Long.MIN_VALUE || t - lastAlarm > merge;
                lastAlarm = t;
                if (newAlarm && s.windows().stream().noneMatch(w -> w.contains(t, grace))) {
                    falseAlarms++;
                }
            }
        }
        long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(kind, seriesPerKind, days, windows, detected, falseAlarms, quantile(sorted, 0.5),
                quantile(sorted, 0.9));
    }

    private static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    @Override
    public String toString() {
        return "DetectionEvaluation" + Arrays.asList(seriesPerKind, days, perKind, level, grace, merge);
    }
}

package io.vigil.app;

import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Anomaly;
import io.vigil.sim.anomaly.DetectionEvaluation;
import io.vigil.sim.anomaly.LabelledSeries;
import io.vigil.tools.anomaly.CorpusEvaluation;
import io.vigil.tools.anomaly.LabelledCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate-anomaly", mixinStandardHelpOptions = true,
        description = {"Scores generated sensor series with known anomalies (spikes, level shifts, drifts, variance",
                "changes, stuck values; seasonal, trending, noisy, irregular, with gaps) with the anomaly model",
                "and reports precision, recall, F1 and detection delay per anomaly kind, plus false alarms on",
                "normal-only series. With --corpus, scores a labelled corpus of real series instead (CSV files",
                "timestamp,value,label, or Tennessee Eastman dNN_te.dat files) and reports labelled windows",
                "detected, detection delay, false alarms per series-day and per-row precision/recall/F1.",
                "See docs/anomaly.md and docs/anomaly-evaluation.md."})
final class EvaluateAnomalyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--series", defaultValue = "20", description = "Series per anomaly kind (default ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--days", defaultValue = "21", description = "Days per series (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--per-series", defaultValue = "3", description = "Anomalies per series (default ${DEFAULT-VALUE}).")
    int perSeries;

    @Option(names = "--level", defaultValue = "" + Anomaly.DEFAULT_LEVEL,
            description = "Score at which a reading counts as an alarm (default ${DEFAULT-VALUE}).")
    double level;

    @Option(names = "--grace", converter = DurationConverter.class, defaultValue = "1h",
            description = "An alarm this long after a window's end still detects it (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--merge", converter = DurationConverter.class, defaultValue = "30m",
            description = "Alarm readings closer than this are one alarm (default ${DEFAULT-VALUE}).")
    Duration merge;

    @Option(names = "--corpus", paramLabel = "DIR",
            description = "Labelled corpus folder to score instead of generated series (skipped when absent).")
    Path corpus;

    @Option(names = "--tail", defaultValue = "3",
            description = "With --corpus: onsets this many rows after a window's end are not false alarms "
                    + "(default ${DEFAULT-VALUE}).")
    int tail;

    @Option(names = "--lead", defaultValue = "1",
            description = "With --corpus: an onset this many rows before a window's first row detects it and is not a "
                    + "false alarm (default ${DEFAULT-VALUE}).")
    int lead;

    @Option(names = "--at-least", paramLabel = "K", defaultValue = "0",
            description = "With --corpus: judge each file's series as one plant under a group_anomaly rule, alarming "
                    + "when at least K of them are anomalous within --within (default ${DEFAULT-VALUE}: each series "
                    + "on its own).")
    int atLeast;

    @Option(names = "--within", converter = DurationConverter.class, defaultValue = "10m",
            description = "With --at-least: how close in time the series' anomalies must be (default ${DEFAULT-VALUE}, "
                    + "the rule's default).")
    Duration within;

    @Option(names = "--files", description = "With --corpus: a line of figures per file.")
    boolean files;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (corpus != null) {
            return corpus(out);
        }
        if (series < 1 || days < 5 || perSeries < 1 || level <= 0 || level > 1) {
            spec.commandLine().getErr().println("evaluate-anomaly: need --series >= 1, --days >= 5, "
                    + "--per-series >= 1 and 0 < --level <= 1");
            return 2;
        }
        DetectionEvaluation evaluation = new DetectionEvaluation(seed, series, days, perSeries, level,
                grace.toMillis(), merge.toMillis());
        long started = System.nanoTime();
        long[] readings = {0};
        List<DetectionEvaluation.Result> results = evaluation.run(s -> {
            readings[0] += s.size();
            return scores(s);
        });
        out.println(String.format(Locale.ROOT, "%-16s %7s %8s %6s %9s %6s %6s %10s %10s %16s",
                "kind", "windows", "detected", "false", "precision", "recall", "F1", "delay p50", "delay p90",
                "false/series-day"));
        for (DetectionEvaluation.Result r : results) {
            out.println(String.format(Locale.ROOT, "%-16s %7d %8d %6d %9s %6s %6s %10s %10s %16.3f",
                    r.kind() == null ? "(normal only)" : r.kind().label(), r.windows(), r.detected(), r.falseAlarms(),
                    ratio(r.kind() == null ? Double.NaN : r.precision()), ratio(r.recall()),
                    ratio(r.kind() == null ? Double.NaN : r.f1()), minutes(r.medianDelayMs()),
                    minutes(r.p90DelayMs()), r.falseAlarmsPerSeriesDay()));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.println(String.format(Locale.ROOT, "%d readings in %d series scored in %.1f s (seed %d, %d days, "
                + "level %.2f, grace %s, merge %s)", readings[0], results.size() * series, seconds, seed, days, level,
                grace, merge));
        return 0;
    }

    /** One fresh model per series, fed in time order: exactly what the job's scorer does per key. */
    static double[] scores(LabelledSeries s) {
        double[] out = new double[s.size()];
        assess(s.times(), s.values(), out, new boolean[s.size()]);
        return out;
    }

    static void assess(long[] times, double[] values, double[] scores, boolean[] onsets) {
        SeriesAnomaly series = new SeriesAnomaly(AnomalySettings.defaults());
        for (int i = 0; i < times.length; i++) {
            SeriesAnomaly.Assessment a = series.update(times[i], values[i]);
            scores[i] = a.score();
            onsets[i] = a.onset();
        }
    }

    private int corpus(PrintWriter out) throws IOException {
        if (!Files.isDirectory(corpus)) {
            spec.commandLine().getErr().println("evaluate-anomaly: skipped, no corpus folder " + corpus
                    + " (see ../shared/datasets/README.md for the layouts)");
            return 0;
        }
        long started = System.nanoTime();
        List<LabelledCorpus.LabelledFile> labelled = LabelledCorpus.load(corpus);
        if (labelled.isEmpty()) {
            spec.commandLine().getErr().println("evaluate-anomaly: no *.csv or dNN_te.dat files below " + corpus);
            return 2;
        }
        CorpusEvaluation evaluation;
        try {
            evaluation = new CorpusEvaluation(EvaluateAnomalyCommand::assess,
                    new CorpusEvaluation.Judging(level, lead, tail, atLeast, within.toMillis()));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("evaluate-anomaly: " + e.getMessage());
            return 2;
        }
        List<CorpusEvaluation.Figures> all = new ArrayList<>();
        List<CorpusEvaluation.Figures> quiet = new ArrayList<>();
        long readings = 0;
        String format = "%-48s %6s %7s %8s %6s %10s %10s %16s %9s %6s %6s";
        String unit = atLeast == 0 ? "series" : "plant"; // a plant under a group rule pages as one
        out.println(String.format(Locale.ROOT, format, "file", unit.equals("series") ? "series" : "plants", "windows", "detected", "false",
                "delay p50", "delay p90", "false/" + unit + "-day", "precision", "recall", "F1"));
        for (LabelledCorpus.LabelledFile f : labelled) {
            CorpusEvaluation.Figures figures = evaluation.evaluate(f);
            readings += (long) f.rows() * f.columns().length;
            all.add(figures);
            if (f.anomalyFree()) {
                quiet.add(figures);
            }
            if (files) {
                out.println(line(format, figures));
            }
        }
        out.println(line(format, CorpusEvaluation.total("all", all)));
        if (!quiet.isEmpty()) {
            CorpusEvaluation.Figures q = CorpusEvaluation.total("anomaly-free", quiet);
            out.println(line(format, q));
            out.println(String.format(Locale.ROOT, "anomaly-free: %d false alarms in %.1f %s-days = %.2f per "
                    + "%s-month", q.falseAlarms(), q.seriesDays(), unit, 30 * q.falseAlarmsPerSeriesDay(), unit));
        }
        CorpusEvaluation.Figures t = CorpusEvaluation.total("all", all);
        out.println(String.format(Locale.ROOT, "windows detected %.1f %%, false alarms %.4f per %s-day, "
                + "per-row F1 %s", 100 * t.windowsDetected(), t.falseAlarmsPerSeriesDay(), unit, ratio(t.f1())));
        out.println(String.format(Locale.ROOT, "%d readings in %d files scored in %.1f s (level %.2f, lead %d rows, tail %d rows%s)",
                readings, labelled.size(), (System.nanoTime() - started) / 1e9, level, lead, tail,
                atLeast == 0 ? "" : ", plant alarm: at least " + atLeast + " series within " + within));
        return 0;
    }

    private static String line(String format, CorpusEvaluation.Figures f) {
        return String.format(Locale.ROOT, format, f.name(), f.series(), f.windows(), f.detected(), f.falseAlarms(),
                minutes(f.delayMs(0.5)), minutes(f.delayMs(0.9)),
                String.format(Locale.ROOT, "%.4f", f.falseAlarmsPerSeriesDay()), ratio(f.precision()),
                ratio(f.recall()), ratio(f.f1()));
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String minutes(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.0f min", ms / 60_000);
    }
}

package io.vigil.app;

import io.vigil.job.anomaly.AnomalyModel;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.rules.Anomaly;
import io.vigil.sim.anomaly.DetectionEvaluation;
import io.vigil.sim.anomaly.LabelledSeries;
import java.io.PrintWriter;
import java.time.Duration;
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
                "normal-only series. See docs/anomaly.md and docs/benchmarks.md."})
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

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
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
        AnomalyModel model = new AnomalyModel(AnomalySettings.defaults());
        double[] out = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            out[i] = model.update(s.times()[i], s.values()[i]);
        }
        return out;
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String minutes(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.0f min", ms / 60_000);
    }
}

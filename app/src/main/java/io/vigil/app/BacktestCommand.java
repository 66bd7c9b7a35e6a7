package io.vigil.app;

import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.job.JobConfig;
import io.vigil.job.JobOptions;
import io.vigil.job.backtest.Backtest;
import io.vigil.job.backtest.BacktestResult;
import io.vigil.job.backtest.BacktestSettings;
import io.vigil.job.backtest.CsvInputs;
import io.vigil.job.backtest.IncidentSummary;
import io.vigil.job.backtest.InfluxRange;
import io.vigil.job.backtest.InvalidInputException;
import io.vigil.job.backtest.RowProblem;
import io.vigil.job.backtest.ScoredOutput;
import io.vigil.job.backtest.SeriesFile;
import io.vigil.job.backtest.Timestamps;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays stored readings through the job's pipeline in event time, as fast as the machine allows,",
                "and writes every row back with its anomaly score and, per rule, incident phase and id; prints the",
                "incidents found. Input: a CSV file, a directory of CSV files (one job for all), or an InfluxDB range.",
                "Format and decisions: docs/backtest.md."})
final class BacktestCommand implements Callable<Integer> {
    private static final int PROBLEMS_SHOWN = 20;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--input", paramLabel = "FILE.csv|DIR", description = "A file (long, narrow or wide layout; "
                + "delimiter comma, semicolon or whitespace), or a directory: every *.csv, *.tsv, *.txt, *.dat under it.")
        Path input;

        @ArgGroup(exclusive = false)
        Influx influx;
    }

    static final class Influx {
        @Option(names = "--influx-url", required = true, paramLabel = "URL", description = "InfluxDB (v1 API) to read stored readings from.")
        String url;

        @Option(names = "--from", required = true, paramLabel = "TIME", description = "Range start (inclusive), ISO-8601 or yyyy-MM-dd HH:mm:ss UTC.")
        String from;

        @Option(names = "--to", required = true, paramLabel = "TIME", description = "Range end (exclusive).")
        String to;

        @Option(names = "--influx-database", defaultValue = "vigil", description = "Database (default ${DEFAULT-VALUE}).")
        String database;

        @Option(names = "--influx-measurement", defaultValue = "readings", description = "Measurement (default ${DEFAULT-VALUE}).")
        String measurement;

        @Option(names = "--influx-where", paramLabel = "CONDITION",
                description = "InfluxQL condition on the tags, e.g. \"device\" =~ /^gauge-/ AND \"metric\" = 'water_level'.")
        String where;
    }

    @Option(names = "--output", required = true, paramLabel = "SCORED.csv|DIR",
            description = "Scored CSV; a directory when --input is one (same relative paths and names).")
    Path output;

    @Option(names = "--rules", paramLabel = "RULES.yaml", description = "Rules to replay (default: the anomaly detector alone, with its defaults).")
    Path rules;

    @Option(names = "--metric", defaultValue = "value",
            description = "Metric of files without a metric column (default ${DEFAULT-VALUE}); the device is the file name.")
    String metric;

    @Option(names = "--max-out-of-orderness", converter = DurationConverter.class,
            description = "How far behind the newest reading a reading may be and still count (default: the live job's).")
    Duration maxOutOfOrderness;

    @Option(names = "--parallelism", description = "Flink parallelism (default: the number of processors).")
    Integer parallelism;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            RuleSet ruleSet = rules == null ? RuleSet.anomalyDefaults() : RulesLoader.load(rules);
            List<SeriesFile> inputs = source.input != null ? CsvInputs.read(source.input, metric) : List.of(influxRange().read());
            boolean directory = source.input != null && Files.isDirectory(source.input);
            if (!directory && Files.isDirectory(output)) {
                throw new InvalidInputException("--output " + output + " is a directory; a single input writes one file");
            }
            report(inputs, err);
            BacktestSettings settings = new BacktestSettings(ruleSet,
                    maxOutOfOrderness != null ? maxOutOfOrderness : JobConfig.defaults().get(JobOptions.OUT_OF_ORDERNESS),
                    parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors(),
                    err);
            BacktestResult result = Backtest.run(inputs, settings);
            if (directory) {
                ScoredOutput.writeDirectory(result, output);
            } else {
                ScoredOutput.writeFile(result, 0, output);
            }
            out.print(IncidentSummary.format(result));
            out.println("scored rows: " + output);
            out.flush();
            return 0;
        } catch (InvalidInputException | InvalidConfigFileException | IllegalArgumentException e) {
            err.println("backtest: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private InfluxRange influxRange() {
        return new InfluxRange(source.influx.url, source.influx.database, source.influx.measurement,
                source.influx.where, time("--from", source.influx.from), time("--to", source.influx.to));
    }

    private static Instant time(String option, String text) {
        try {
            return Instant.ofEpochMilli(Timestamps.parse(text));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(option + " '" + text + "' is not a time (" + Timestamps.FORMS + ")");
        }
    }

    /** Every rejected row is named (the first few in full): a row must never vanish unnoticed. */
    private static void report(List<SeriesFile> inputs, PrintWriter err) {
        List<RowProblem> problems = inputs.stream().flatMap(f -> f.problems().stream()).toList();
        problems.stream().limit(PROBLEMS_SHOWN).forEach(p -> err.println("backtest: rejected " + p));
        if (problems.size() > PROBLEMS_SHOWN) {
            err.println("backtest: ... and " + (problems.size() - PROBLEMS_SHOWN) + " more rejected rows");
        }
        err.flush();
    }
}

package io.vigil.app;

import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.job.bench.JobBench;
import io.vigil.job.bench.JobBenchException;
import io.vigil.job.bench.JobBenchResult;
import io.vigil.job.bench.JobBenchSettings;
import io.vigil.job.bench.StateBackendChoice;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
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

@Command(name = "job", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The Flink job alone: the full detector set on a synthetic fleet (one reading per device every",
                "10 s of event time), sinks that count and discard, on a local cluster in this process. Prints",
                "readings/s (wall and per CPU-second of this process) and the state per device (size of a full",
                "checkpoint taken after the last reading / devices)."})
final class BenchJobCommand implements Callable<Integer> {
    private static final int[] MATRIX_DEVICES = {1_000, 100_000, 1_000_000};

    @Spec
    CommandSpec spec;

    @Option(names = "--devices", defaultValue = "1000", description = "Distinct devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--state", defaultValue = "heap", paramLabel = "heap|rocksdb",
            description = "State backend (default ${DEFAULT-VALUE}).")
    String state;

    @Option(names = "--readings", description = "Readings in all (default: the larger of 1,000,000 and 3 per device).")
    Long readings;

    @Option(names = "--parallelism", description = "Flink parallelism (default: the number of processors).")
    Integer parallelism;

    @Option(names = "--rules", paramLabel = "RULES.yaml",
            description = "Rules on metric 'level' (default: every detector kind, bench-job-rules.yaml in vigil-tools).")
    Path rules;

    @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "10m",
            description = {"Bound of each run (default ${DEFAULT-VALUE}): a run that has not finished by then",
                    "is cancelled and reported with how far it got, as is one whose state does not fit the heap."})
    Duration timeout;

    @Option(names = "--matrix", description = "Run 1k, 100k and 1M devices on both state backends (ignores --devices, --state).")
    boolean matrix;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            RuleSet ruleSet = rules == null ? JobBench.benchRules() : RulesLoader.load(rules);
            int p = parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors();
            List<JobBenchSettings> runs = new ArrayList<>();
            if (matrix) {
                for (int n : MATRIX_DEVICES) {
                    for (StateBackendChoice backend : StateBackendChoice.values()) {
                        runs.add(settings(n, backend, p, ruleSet));
                    }
                }
            } else {
                runs.add(settings(devices, backend(state), p, ruleSet));
            }
            out.println(machine());
            out.println(JobBenchResult.header());
            out.flush();
            List<JobBenchResult> results = new ArrayList<>();
            int failed = 0;
            for (JobBenchSettings run : runs) {
                try {
                    JobBenchResult result = JobBench.run(run, timeout);
                    results.add(result);
                    out.println(result.row());
                } catch (JobBenchException e) {
                    // one cell of the matrix that cannot finish must not hide the others
                    failed++;
                    out.printf(Locale.ROOT, "| %,d | %s | %d | did not finish: %s |%n", run.devices(),
                            run.backend().name().toLowerCase(Locale.ROOT), run.parallelism(), e.getMessage());
                    err.println("bench job: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
                    err.flush();
                }
                out.flush();
            }
            // after the table, so its rows stay one block to paste
            for (JobBenchResult result : results) {
                out.println(result.stateBreakdown());
            }
            out.println("load average after: " + loadAverage());
            out.flush();
            return failed == 0 ? 0 : 1;
        } catch (InvalidConfigFileException | IllegalArgumentException e) {
            err.println("bench job: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private JobBenchSettings settings(int n, StateBackendChoice backend, int p, RuleSet ruleSet) {
        long total = readings != null ? readings : JobBenchSettings.defaultReadings(n);
        return new JobBenchSettings(n, total, p, backend, ruleSet, JobBenchSettings.REPORT_EVERY);
    }

    private static StateBackendChoice backend(String name) {
        try {
            return StateBackendChoice.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--state must be heap or rocksdb, was '" + name + "'");
        }
    }

    /** Figures on a shared machine mean little without what else was running. */
    private static String machine() {
        Runtime rt = Runtime.getRuntime();
        return String.format(Locale.ROOT, "machine: %d processors, max heap %d MB, Java %s (%s); load average before: %s",
                rt.availableProcessors(), rt.maxMemory() >> 20, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}

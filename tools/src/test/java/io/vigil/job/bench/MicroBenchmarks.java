package io.vigil.job.bench;

import io.vigil.job.anomaly.AnomalyModelBenchmark;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Entry point of {@code bin/bench-micro}: the decoder, series evaluator and anomaly model benchmarks, with JMH's own
 * command-line options (e.g. {@code DecoderBenchmark} to run one class, {@code -p rules=threshold} for the series
 * evaluator with one detector kind, {@code -wi 5 -i 10}
 * for longer runs than the short defaults).
 */
public final class MicroBenchmarks {
    private MicroBenchmarks() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(DecoderBenchmark.class.getSimpleName())
                    .include(SeriesEvaluatorBenchmark.class.getSimpleName())
                    .include(AnomalyModelBenchmark.class.getSimpleName());
        }
        // Runner.run ignores JMH's -l; without this, "list the benchmarks" would run all of them
        if (cli.shouldList()) {
            new Runner(options.build()).list();
            return;
        }
        new Runner(options.build()).run();
    }
}

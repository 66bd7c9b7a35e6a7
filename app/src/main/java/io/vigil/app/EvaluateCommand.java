package io.vigil.app;

import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import io.vigil.sim.GroundTruthScenario;
import io.vigil.tools.evaluate.Evaluator;
import io.vigil.tools.evaluate.ScoreTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Runs simulator scenarios with known truth through the job (event time, as fast as it goes)",
                "and scores its alerts: share of true crossings pre-warned, lead times, false pre-warnings and",
                "false alarms per device-day, missed alarms. See docs/benchmarks.md."})
final class EvaluateCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Spec
    CommandSpec spec;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "Scenarios, comma-separated (default: all of ${DEFAULT-VALUE}).",
            defaultValue = "flood,fire,gas-leak,air-quality,frozen-sensor,silent-device,quiet")
    List<String> scenarios;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of day 0; day d uses seed + d (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--days", defaultValue = "1", description = "Days of each scenario, each with its own seed (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--rules", paramLabel = "FILE", description = "Rules file (default config/evaluation-rules.yaml in the checkout).")
    Path rules;

    @Option(names = "--tolerance", converter = DurationConverter.class, defaultValue = "1h",
            description = "An incident up to this long before a true event (or an ALARM this long after it ends) is about it (default ${DEFAULT-VALUE}).")
    Duration tolerance;

    @Option(names = "--parallelism", defaultValue = "1", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String s : scenarios) {
            if (!GroundTruthScenario.NAMES.contains(s)) {
                spec.commandLine().getErr().println("evaluate: unknown scenario '" + s + "'; known: "
                        + String.join(", ", GroundTruthScenario.NAMES));
                return 2;
            }
        }
        Path file = rules != null ? rules : vigil.root().resolve("config/evaluation-rules.yaml");
        RuleSet ruleSet = RulesLoader.load(file);
        long started = System.nanoTime();
        Evaluator.Result result = Evaluator.run(new Evaluator.Config(scenarios, seed, days, ruleSet, tolerance, parallelism));
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "evaluate: %d scenario(s) x %d day(s), seed %d, rules %s, tolerance %s: %d readings, "
                + "%d alerts in %.1f s%n", scenarios.size(), days, seed, file, tolerance, result.readings(),
                result.alerts().size(), seconds);
        out.print(ScoreTable.format(result.scenarios(), result.overall()));
        out.flush();
        return 0;
    }
}

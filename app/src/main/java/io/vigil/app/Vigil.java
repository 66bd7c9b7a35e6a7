package io.vigil.app;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher behind {@code bin/vigil}: the composition root of every Vigil process. It alone reads the
 * environment ({@code VIGIL_HOME}) and command-line options and turns them into each part's typed config.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "Vigil 0.1.0",
        description = "Real-time IoT sensing and early warning.",
        subcommands = {BacktestCommand.class, BenchCommand.class, ClusterCommand.class, DeadLettersCommand.class,
                DemoCommand.class, DevicesCommand.class,
                EvaluateCommand.class, EvaluateAnomalyCommand.class, EvaluateRfidCommand.class, GatewayCommand.class,
                IncidentsCommand.class, JobCommand.class, RulesCommand.class, SimulateCommand.class, TestCommand.class})
public final class Vigil {
    /** Where the checkout is: set by bin/vigil, else the working directory. */
    Path root() {
        String root = System.getProperty("vigil.root");
        return Path.of(root != null ? root : "").toAbsolutePath();
    }

    /** Where all data lives: {@code $VIGIL_HOME}, else {@code var/} in the checkout. */
    Path home() {
        String home = System.getenv("VIGIL_HOME");
        return (home != null && !home.isBlank() ? Path.of(home) : root().resolve("var")).toAbsolutePath();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Vigil()).execute(args));
    }
}

package io.vigil.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vigil bench ...}: the benchmarks of issue #8 on this machine, all services local, every message counted at
 * the far end. Each subcommand prints its figures; docs/benchmarks.md records them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks on this machine, all services local, every message counted at the far end.",
        subcommands = {BenchE2eCommand.class, BenchBrokerCommand.class, BenchNodeRedCommand.class, BenchJobCommand.class})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 2;
    }
}

package io.vigil.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The benchmarks of issue #8; each is a subcommand that prints its figures (docs/benchmarks.md records them). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks on this machine, all services local. Figures go to the console only.",
        subcommands = {BenchE2eCommand.class})
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

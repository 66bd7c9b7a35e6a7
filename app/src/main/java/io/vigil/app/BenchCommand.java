package io.vigil.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code vigil bench ...}: measured throughput on this machine (issue #8; figures in docs/benchmarks.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks run on this machine, every message counted at the far end.",
        subcommands = {BenchBrokerCommand.class, BenchNodeRedCommand.class})
final class BenchCommand {
    @ParentCommand
    Vigil vigil;
}

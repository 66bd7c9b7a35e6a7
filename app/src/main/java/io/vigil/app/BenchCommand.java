package io.vigil.app;

import picocli.CommandLine.Command;

/** Parent of the benchmarks (issue #8); figures and how to read them: docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; figures and how they were measured: docs/benchmarks.md.",
        subcommands = {BenchJobCommand.class})
final class BenchCommand {}

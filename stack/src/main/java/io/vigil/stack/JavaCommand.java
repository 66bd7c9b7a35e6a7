package io.vigil.stack;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line that runs another JVM of this Java installation: the Kafka broker, the Flink
 * processes of a session cluster, the demo's gateway, job and simulator, a benchmark's publishers.
 *
 * <p>The JIT settings of this JVM are passed on. The test JVMs run with C1 only ({@code -XX:TieredStopAtLevel=1},
 * set once in the build's surefire and failsafe configuration): a test's JVMs live seconds to minutes, and with C1
 * only three of the heaviest test classes used 99 instead of 162 CPU-seconds (docs/benchmarks.md, "Test suite").
 * Every JVM a test starts then starts the same way. The demo, the CLI and the benchmarks run with the JVM's default
 * full JIT, so their children do too and the benchmark figures are those of a deployment.
 */
public final class JavaCommand {
    /** Options that choose how the JVM compiles code: the ones a started JVM inherits. */
    private static final List<String> INHERITED = List.of("-XX:TieredStopAtLevel=", "-XX:-TieredCompilation",
            "-XX:+TieredCompilation", "-XX:CICompilerCount=");

    private JavaCommand() {
    }

    /** {@code java}, then {@code options}, then this JVM's JIT settings. */
    public static List<String> java(List<String> options) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.addAll(inheritedJitOptions());
        return cmd;
    }

    /** This JVM's own JIT options among its arguments, in their order. */
    static List<String> inheritedJitOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> INHERITED.stream().anyMatch(arg::startsWith))
                .toList();
    }
}

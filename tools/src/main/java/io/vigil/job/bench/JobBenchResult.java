package io.vigil.job.bench;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One run's figures. {@code cpu} is this process's CPU time over {@code wall} (every thread: task threads, JIT,
 * GC); {@code stateBytes} is the full drain checkpoint's size as Flink reports it, so per device it includes the
 * fleet-independent part (rules in broadcast state, source splits), which is negligible for large fleets.
 * {@code stateByOperator} splits it by job vertex, in topological order.
 */
public record JobBenchResult(int devices, StateBackendChoice backend, int parallelism, long generated,
                             long counted, long alerts, long scores, Duration wall, Duration cpu, long stateBytes,
                             Duration checkpointDuration, List<OperatorState> stateByOperator) {

    public JobBenchResult {
        stateByOperator = List.copyOf(stateByOperator);
    }

    public double readingsPerSecond() {
        return counted / seconds(wall);
    }

    /** Readings per second of CPU time: the throughput one fully busy core would give. */
    public double readingsPerCpuSecond() {
        return counted / seconds(cpu);
    }

    /** CPU microseconds per reading. */
    public double cpuMicrosPerReading() {
        return cpu.toNanos() / 1000.0 / counted;
    }

    public double stateBytesPerDevice() {
        return (double) stateBytes / devices;
    }

    private static double seconds(Duration d) {
        return Math.max(d.toNanos(), 1) / 1e9;
    }

    public static String header() {
        return "| devices | state | P | readings | alerts | wall s | readings/s | CPU s | readings/CPU-s | CPU µs/reading"
                + " | checkpoint bytes | bytes/device | checkpoint ms |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    }

    public String row() {
        return String.format(Locale.ROOT, "| %,d | %s | %d | %,d | %,d | %.1f | %,.0f | %.1f | %,.0f | %.1f | %,d | %.0f | %,d |",
                devices, backend.name().toLowerCase(Locale.ROOT), parallelism, counted, alerts, seconds(wall),
                readingsPerSecond(), seconds(cpu), readingsPerCpuSecond(), cpuMicrosPerReading(), stateBytes,
                stateBytesPerDevice(), checkpointDuration.toMillis());
    }

    /** Where the state per device sits: one line per job vertex holding state, the biggest first. */
    public String stateBreakdown() {
        return stateByOperator.stream()
                .filter(o -> o.bytes() > 0)
                .sorted(Comparator.comparingLong(OperatorState::bytes).reversed())
                .map(o -> String.format(Locale.ROOT, "  %,14d bytes  %,8.0f bytes/device  %4.1f %%  %s", o.bytes(),
                        (double) o.bytes() / devices, 100.0 * o.bytes() / Math.max(stateBytes, 1), o.operator()))
                .collect(Collectors.joining("\n", "state by operator (" + devices + " devices):\n", ""));
    }
}

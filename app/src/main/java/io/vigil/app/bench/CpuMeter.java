package io.vigil.app.bench;

import java.time.Duration;

/** How many cores a process kept busy between {@link #start} and {@link #cores()}, from its CPU time. */
final class CpuMeter {
    private final ProcessHandle process;
    private final Duration cpuAtStart;
    private final long startNanos;

    private CpuMeter(ProcessHandle process) {
        this.process = process;
        this.cpuAtStart = cpu(process);
        this.startNanos = System.nanoTime();
    }

    static CpuMeter start(long pid) {
        return new CpuMeter(ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid)));
    }

    /** CPU seconds per wall-clock second since the start; NaN if the process' CPU time cannot be read. */
    double cores() {
        Duration now = cpu(process);
        double wall = (System.nanoTime() - startNanos) / 1e9;
        if (now == null || cpuAtStart == null || wall <= 0) {
            return Double.NaN;
        }
        return now.minus(cpuAtStart).toNanos() / 1e9 / wall;
    }

    private static Duration cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().orElse(null);
    }
}

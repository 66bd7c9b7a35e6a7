package io.vigil.job.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one benchmark run's source emitted and its sinks received, shared with the driver in the same JVM (the local
 * cluster runs there). Sources and sinks are serialised into the job, so they find their tally by key.
 */
final class BenchTally implements AutoCloseable {
    private static final Map<String, BenchTally> OPEN = new ConcurrentHashMap<>();

    final String key = UUID.randomUUID().toString();
    final long expected;
    final AtomicLong emitted = new AtomicLong();
    final LongAdder readings = new LongAdder();
    final LongAdder alerts = new LongAdder();
    final LongAdder scores = new LongAdder();
    /** Completes when the first reading is emitted: the start of the measured interval. */
    final CompletableFuture<Mark> firstEmitted = new CompletableFuture<>();
    /** Completes once the source has emitted every reading. */
    final CompletableFuture<Void> allEmitted = new CompletableFuture<>();

    private BenchTally(long expected) {
        this.expected = expected;
    }

    static BenchTally open(long expected) {
        BenchTally tally = new BenchTally(expected);
        OPEN.put(tally.key, tally);
        return tally;
    }

    static BenchTally of(String key) {
        BenchTally tally = OPEN.get(key);
        if (tally == null) {
            throw new IllegalStateException("no benchmark run " + key + " in this JVM");
        }
        return tally;
    }

    void countEmitted(long n) {
        long before = emitted.getAndAdd(n);
        if (before == 0) {
            firstEmitted.complete(Mark.now());
        }
        if (before + n >= expected) {
            allEmitted.complete(null);
        }
    }

    LongAdder channel(String name) {
        return switch (name) {
            case "readings" -> readings;
            case "alerts" -> alerts;
            case "scores" -> scores;
            default -> throw new IllegalArgumentException("no channel " + name);
        };
    }

    /** A moment in wall time and in this process's CPU time (every thread, JIT and GC included). */
    record Mark(long wallNanos, long cpuNanos) {
        static Mark now() {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Mark(System.nanoTime(), os.getProcessCpuTime());
        }
    }

    @Override
    public void close() {
        OPEN.remove(key);
    }
}

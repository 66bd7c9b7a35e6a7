package io.vigil.job.bench;

import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.Objects;

/**
 * One job-alone benchmark run: {@code readings} synthetic readings of one metric from {@code devices} distinct
 * devices, each device reporting every {@code reportEvery} of event time, through the full pipeline with
 * {@code rules}, {@code parallelism} task slots and the given state backend.
 */
public record JobBenchSettings(int devices, long readings, int parallelism, StateBackendChoice backend,
                               RuleSet rules, Duration reportEvery) {
    public static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    public JobBenchSettings {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(reportEvery, "reportEvery");
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, was " + devices);
        }
        if (readings < devices) {
            throw new IllegalArgumentException("readings (" + readings + ") must be at least devices (" + devices
                    + "): every device reports at least once");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        if (reportEvery.toMillis() < 1) {
            throw new IllegalArgumentException("reportEvery must be at least 1 ms, was " + reportEvery);
        }
    }

    /**
     * Readings when none are given: enough rounds that every device's detectors reach their steady state (windows
     * filled, incidents opened and closed), and at least a million so small fleets run long enough to measure.
     */
    public static long defaultReadings(int devices) {
        return Math.max(1_000_000L, 3L * devices);
    }
}

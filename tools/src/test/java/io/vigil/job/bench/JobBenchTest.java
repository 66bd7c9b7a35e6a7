package io.vigil.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Reading;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The job bench at a tiny size: what it counts and reports, never how fast it is. */
class JobBenchTest {
    private static final int DEVICES = 40;
    private static final long READINGS = 4_003;

    @ParameterizedTest
    @EnumSource(StateBackendChoice.class)
    void everyGeneratedReadingIsCountedAndTheStateIsReported(StateBackendChoice backend) throws Exception {
        JobBenchResult result = JobBench.run(new JobBenchSettings(DEVICES, READINGS, 2, backend,
                JobBench.benchRules(), JobBenchSettings.REPORT_EVERY));

        assertThat(result.generated()).isEqualTo(READINGS);
        assertThat(result.counted()).isEqualTo(READINGS);
        assertThat(result.scores()).as("every reading is scored").isEqualTo(READINGS);
        assertThat(result.alerts()).as("the wave crosses the threshold").isPositive();
        assertThat(result.stateBytes()).isPositive();
        assertThat(result.stateBytesPerDevice()).isEqualTo((double) result.stateBytes() / DEVICES);
        assertThat(result.cpu()).isPositive();
        assertThat(result.row()).startsWith("| 40 | " + backend.name().toLowerCase());
        assertThat(result.stateByOperator().stream().mapToLong(OperatorState::bytes).sum())
                .as("the split by operator adds up to the checkpoint").isEqualTo(result.stateBytes());
        assertThat(result.stateByOperator()).extracting(OperatorState::operator)
                .anyMatch(name -> name.contains("series-evaluator"));
        assertThat(result.stateBreakdown()).contains("series-evaluator").contains("bytes/device");
    }

    @Test
    void aRunThatCannotFinishInItsBoundIsCancelledAndSaysHowFarItGot() {
        // ten million readings cannot be processed in two seconds: the run must say so instead of waiting on
        long started = System.nanoTime();
        assertThatThrownBy(() -> JobBench.run(new JobBenchSettings(DEVICES, 10_000_000, 2, StateBackendChoice.HEAP,
                JobBench.benchRules(), JobBenchSettings.REPORT_EVERY), Duration.ofSeconds(2)))
                .isInstanceOf(JobBenchException.class)
                .hasMessageContaining("did not finish within its bound of 2 s")
                .hasMessageContaining("of 10,000,000 readings")
                .hasMessageContaining("MB in use");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(90));
    }

    @Test
    void theFleetHasItsDevicesInEventTimeOrder() {
        Set<String> devices = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (long n = 0; n < 3 * DEVICES; n++) {
            Reading r = SyntheticReadings.reading(n, DEVICES, 10_000);
            devices.add(r.deviceId());
            assertThat(r.eventTime()).isGreaterThanOrEqualTo(previous);
            assertThat(r.metric()).isEqualTo(SyntheticReadings.METRIC);
            previous = r.eventTime();
        }
        assertThat(devices).hasSize(DEVICES);
        assertThat(previous - SyntheticReadings.START).isLessThan(3 * 10_000L);
    }

    @Test
    void settingsThatCannotRunAreRefused() {
        assertThatThrownBy(() -> new JobBenchSettings(0, 10, 1, StateBackendChoice.HEAP, JobBench.benchRules(),
                JobBenchSettings.REPORT_EVERY)).hasMessageContaining("devices");
        assertThatThrownBy(() -> new JobBenchSettings(10, 5, 1, StateBackendChoice.HEAP, JobBench.benchRules(),
                JobBenchSettings.REPORT_EVERY)).hasMessageContaining("readings");
        assertThatThrownBy(() -> new JobBenchSettings(10, 50, 0, StateBackendChoice.ROCKSDB, JobBench.benchRules(),
                JobBenchSettings.REPORT_EVERY)).hasMessageContaining("parallelism");
    }
}

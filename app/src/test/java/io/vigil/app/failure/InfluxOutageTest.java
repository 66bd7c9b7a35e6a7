package io.vigil.app.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.sim.Simulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * InfluxDB stops for 60 s (the figure) while devices keep sending and the flood gauge's incident unfolds.
 * The series sink holds its batch and retries with backoff ({@code influxRetryTimeout} 120 s here, above the
 * outage), which back-pressures the job: it stays RUNNING, no checkpoint completes with points unwritten behind it,
 * and once InfluxDB is back every reading is written and every transition committed, once.
 */
@Tag("servers")
class InfluxOutageTest {
    private static final String FLEET = "influxdown-";
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 7, unit = TimeUnit.MINUTES)
    void aSixtySecondInfluxOutageHoldsTheJobBackAndLosesNothing() throws Exception {
        LivePipeline.Setup setup = LivePipeline.Setup.inProcess().withInfluxRetryTimeout(Duration.ofSeconds(120));
        try (LivePipeline pipeline = LivePipeline.start(dir, setup)) {
            Simulator load = pipeline.startLoad(FLEET);
            LivePipeline.awaitLoadAt(load, Duration.ofSeconds(3));
            pipeline.stack.influx.close();
            Instant stopped = Instant.now();

            // Through the outage the job must not fail, and after the in-flight one no checkpoint may complete:
            // a completed checkpoint would mark points as done that InfluxDB never took.
            Instant settled = stopped.plusSeconds(5);
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Instant latest = pipeline.latestCheckpoint();
                return pipeline.jobStatus() == JobStatus.RUNNING && (latest == null || latest.isBefore(settled));
            });
            pipeline.stack.influx.start();

            pipeline.assertEveryReadingStoredOnceAndTheIncidentExact(load, FLEET);
            assertThat(pipeline.latestCheckpoint()).as("checkpoints resume once InfluxDB took the points").isAfter(settled);
        }
    }
}

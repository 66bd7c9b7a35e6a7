package io.vigil.app.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.sim.Simulator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink job's JVM is killed (SIGKILL) in the middle of the flood gauge's alarm and started again. A process
 * crash is the realistic failure: it loses everything in memory, including Flink's own in-process recovery, so the
 * new JVM must restore the last retained checkpoint from disk ({@code RetainedCheckpoints.latest}) and replay
 * Kafka from that checkpoint's offsets, while the alerts transaction left open by the dead JVM is aborted.
 */
@Tag("servers")
class JobCrashTest {
    private static final String FLEET = "jobcrash-";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aKilledJobRestoresItsLastCheckpointAndStoresEveryReadingAndTransitionOnce() throws Exception {
        try (LivePipeline pipeline = LivePipeline.start(dir, LivePipeline.Setup.inProcess().withJobInOwnJvm())) {
            Instant loadStart = Instant.now();
            Simulator load = pipeline.startLoad(FLEET);
            // just after the alarm's hold time: the ALARM is about to be emitted or not yet committed
            LivePipeline.awaitLoadAt(load, LivePipeline.expectedAlarm().rises().plusSeconds(3));
            pipeline.awaitCheckpointAfter(loadStart);
            pipeline.killJob();
            pipeline.startJob();
            pipeline.awaitJobRunning();
            assertThat(pipeline.jobLog()).contains("restored from");

            pipeline.assertEveryReadingStoredOnceAndTheIncidentExact(load, FLEET);
        }
    }
}

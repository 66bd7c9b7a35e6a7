package io.vigil.app.failure;

import io.vigil.sim.Simulator;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker stops (SIGTERM) as the flood gauge crosses its alarm level and starts again on the same port
 * and data directory. Meanwhile the gateway cannot store readings, so it leaves the MQTT messages unacknowledged
 * and retries; the job's source and its transactional alerts sink lose their broker and the job restarts from its
 * last checkpoint. Afterwards every reading is stored and every transition committed, once.
 */
@Tag("servers")
class KafkaRestartTest {
    private static final String FLEET = "kafkarestart-";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aKafkaRestartLosesAndDoublesNothing() throws Exception {
        try (LivePipeline pipeline = LivePipeline.start(dir, LivePipeline.Setup.inProcess())) {
            Simulator load = pipeline.startLoad(FLEET);
            LivePipeline.awaitLoadAt(load, LivePipeline.expectedAlarm().rises());
            pipeline.stack.kafka.close();
            pipeline.stack.kafka.start();

            pipeline.assertEveryReadingStoredOnceAndTheIncidentExact(load, FLEET);
        }
    }
}

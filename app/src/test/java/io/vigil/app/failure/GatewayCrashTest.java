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
 * The gateway's JVM is killed (SIGKILL) while devices publish QoS 1, and started again as the same instance. Its
 * subscriber connection has a persistent session (clean start false, session expiry 10 min) with the default plain
 * subscription, so Mosquitto queues every message for the offline session (with a shared subscription it would
 * queue the shares of the group's offline sessions the same way); the restarted gateway resumes the session and
 * receives the queue and every message it had not acknowledged.
 * Had the gateway acknowledged a message before Kafka acknowledged its record, the kill would lose it: the counts
 * below would come up short.
 */
@Tag("servers")
class GatewayCrashTest {
    private static final String FLEET = "gatewaycrash-";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aKilledGatewayResumesItsBrokerSessionsAndNothingIsLost() throws Exception {
        try (LivePipeline pipeline = LivePipeline.start(dir, LivePipeline.Setup.inProcess().withGatewayInOwnJvm())) {
            Simulator load = pipeline.startLoad(FLEET);
            LivePipeline.awaitLoadAt(load, LivePipeline.expectedAlarm().rises());
            pipeline.killGateway();
            pipeline.startGateway();

            pipeline.assertEveryReadingStoredOnceAndTheIncidentExact(load, FLEET);
        }
    }
}

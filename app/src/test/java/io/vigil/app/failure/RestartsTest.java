package io.vigil.app.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.app.DemoAccess;
import io.vigil.common.serde.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16's rule under every restart in turn: one registered device publishes steadily as a third-party client
 * would (QoS 1, a numbered reading every 100 ms with its own time) while the job's JVM is killed (-9) and started
 * again, then the gateway's JVM, then Mosquitto is restarted; after each, the pipeline recovers. Every reading the
 * broker acknowledged must then be in InfluxDB exactly once. The gateway stays away long enough for more of the
 * device's readings to queue in its broker session than the device's rate-limit burst: the broker delivers them at
 * once when the gateway is back, and they must not be refused as a flood.
 */
@Tag("servers")
class RestartsTest {
    private static final Logger LOG = LoggerFactory.getLogger(RestartsTest.class);
    private static final String DEVICE = DemoAccess.HAND_DEVICE;
    /** Not a metric any rule watches: the values are sequence numbers. */
    private static final String METRIC = "sequence";
    private static final Duration PACE = Duration.ofMillis(100);
    /** Readings acknowledged while the gateway is dead: more than the default rate-limit burst of 200. */
    private static final int QUEUED_WHILE_GATEWAY_AWAY = 260;
    /** Readings acknowledged after a restart before the next step: the device is being heard again. */
    private static final int AFTER_RESTART = 20;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void everyAcknowledgedReadingIsStoredOnceThroughAJobKillAGatewayKillAndABrokerRestart() throws Exception {
        try (LivePipeline pipeline = LivePipeline.start(dir, LivePipeline.Setup.inProcess().securedInOwnJvms())) {
            Instant started = Instant.now();
            try (SteadyPublisher device = SteadyPublisher.start(pipeline.stack.mosquitto.url(), DEVICE,
                    pipeline.handDevicePassword(), METRIC, PACE)) {
                awaitAcknowledged(device, AFTER_RESTART);
                awaitEveryAcknowledgedStoredOnce(pipeline, device.acknowledged());

                pipeline.awaitCheckpointAfter(started);
                pipeline.killJob();
                awaitAcknowledged(device, AFTER_RESTART); // these wait in Kafka for the new job
                pipeline.startJob();
                pipeline.awaitJobRunning();
                awaitEveryAcknowledgedStoredOnce(pipeline, device.acknowledged());

                pipeline.killGateway();
                awaitAcknowledged(device, QUEUED_WHILE_GATEWAY_AWAY); // these wait in the gateway's broker session
                pipeline.startGateway();
                awaitEveryAcknowledgedStoredOnce(pipeline, device.acknowledged());

                pipeline.restartBroker();
                awaitAcknowledged(device, AFTER_RESTART); // the device reconnected and is acknowledged again
                awaitEveryAcknowledgedStoredOnce(pipeline, device.acknowledged());
                device.close();
                LOG.info("device stopped: {} readings sent, {} acknowledged; last failure: {}", device.sent(),
                        device.acknowledgedCount(), device.lastFailure());
                List<Long> acknowledged = device.acknowledged();
                assertThat(acknowledged).as("readings the broker acknowledged").hasSizeGreaterThan(
                        QUEUED_WHILE_GATEWAY_AWAY + 3 * AFTER_RESTART);
                awaitEveryAcknowledgedStoredOnce(pipeline, acknowledged);
            }
        }
    }

    /** Waits (on the device's own progress) until the broker acknowledged {@code more} further readings. */
    private static void awaitAcknowledged(SteadyPublisher device, int more) {
        int target = device.acknowledgedCount() + more;
        await().atMost(PACE.multipliedBy(more).plus(LivePipeline.PATIENCE)).pollInterval(PACE)
                .untilAsserted(() -> assertThat(device.acknowledgedCount())
                        .as("readings the broker acknowledged (last failure: %s)", device.lastFailure())
                        .isGreaterThanOrEqualTo(target));
    }

    /**
     * Waits until each of {@code acknowledged} is in InfluxDB, and fails listing the missing and the duplicated
     * sequence numbers if they are not there once each by then.
     */
    private static void awaitEveryAcknowledgedStoredOnce(LivePipeline pipeline, List<Long> acknowledged) {
        await().atMost(LivePipeline.PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<Long, Long> stored = storedSequenceNumbers(pipeline);
            List<Long> missing = acknowledged.stream().filter(seq -> !stored.containsKey(seq)).toList();
            Map<Long, Long> duplicated = stored.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
            assertThat(missing.isEmpty() && duplicated.isEmpty()).as("of %d readings the broker acknowledged, %d"
                    + " not in InfluxDB: %s; stored more than once (sequence number=times): %s", acknowledged.size(),
                    missing.size(), missing, duplicated).isTrue();
        });
        LOG.info("all {} acknowledged readings stored once", acknowledged.size());
    }

    /** How often each sequence number is in InfluxDB. */
    private static Map<Long, Long> storedSequenceNumbers(LivePipeline pipeline) throws Exception {
        JsonNode answer = Json.mapper().readTree(pipeline.stack.influx.query("vigil", "SELECT \"value\" FROM"
                + " \"readings\" WHERE \"device\" = '" + DEVICE + "' AND \"metric\" = '" + METRIC + "'"));
        JsonNode rows = answer.path("results").path(0).path("series").path(0).path("values");
        Map<Long, Long> counts = new TreeMap<>();
        for (JsonNode row : rows) {
            counts.merge(row.path(1).asLong(), 1L, Long::sum);
        }
        return counts;
    }
}

package io.vigil.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.app.DemoAccess;
import io.vigil.common.Topics;
import io.vigil.sim.DeviceCredentials;
import io.vigil.sim.SimulatorConfig;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multi-process publisher against a real Mosquitto: exact counts, summed over workers, failures named. */
@Tag("servers")
class PublisherFleetTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static SimulatorConfig fleet(String url, int devices, double rate, Duration length) {
        return SimulatorConfig.defaults().withMqttUrl(url).withCoapShare(0).withDevices(devices)
                .withMqttConnections(2).withRatePerSecond(rate).withDuration(length).withTimeScale(10);
    }

    @Test
    void threeWorkersTogetherPublishExactlyTheRequestedCountAndTheirCountsAreSummed() throws Exception {
        try (MosquittoServer broker = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp())) {
            broker.start();
            try (LeanSubscriber subscriber = LeanSubscriber.start(broker.port(), Topics.MQTT_READINGS_PREFIX + "+",
                    dir.resolve("sub.log"))) {
                awaitSubscribed(broker, subscriber);
                long before = subscriber.messages();
                // 31 devices over 3 workers (10, 10, 11) at 250/s for 2 s: 500 readings, not divisible by the slices
                try (PublisherFleet fleet = PublisherFleet.start(fleet(broker.url(), 31, 250, Duration.ofSeconds(2)),
                        null, 3, "128m", dir.resolve("logs"))) {
                    assertThat(fleet.pids()).hasSize(3);
                    assertThat(fleet.awaitCompletion(WAIT)).isTrue();

                    assertThat(fleet.failures()).isEmpty();
                    assertThat(fleet.planned()).isEqualTo(500);
                    assertThat(fleet.sent()).isEqualTo(500);
                    assertThat(fleet.acknowledged()).isEqualTo(500);
                    assertThat(fleet.failed()).isZero();
                    Published p = fleet.published(Duration.ofSeconds(2));
                    assertThat(p.acknowledged()).isEqualTo(500);
                    assertThat(p.firstEventTime()).isEqualTo(fleet.startTime());
                    assertThat(p.took()).isPositive();
                    assertThat(fleet.load("publishers", 5).cpuPercent()).isPositive();
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.messages() - before >= 500);
                assertThat(subscriber.messages() - before).isEqualTo(500);
            }
        }
    }

    @Test
    void aWorkerThatDiesIsNamedAndItsShareCountsAsFailed() throws Exception {
        try (MosquittoServer broker = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp())) {
            broker.start();
            // long enough that the worker is still sending when it is killed
            try (PublisherFleet fleet = PublisherFleet.start(fleet(broker.url(), 20, 100, Duration.ofSeconds(30)),
                    null, 2, "128m", dir.resolve("logs"))) {
                long victim = fleet.pids().get(1);
                await().atMost(WAIT).until(() -> fleet.acknowledged() > 0);
                ProcessHandle.of(victim).orElseThrow().destroyForcibly();
                await().atMost(WAIT).until(() -> !fleet.failures().isEmpty());

                assertThat(fleet.failures()).singleElement().asString()
                        .contains("publisher worker 1 (pid " + victim + ")", "without its counts");
                assertThat(fleet.lastFailure()).contains("publisher worker 1");
                // the dead worker's whole share (1,500 of 3,000) counts as sent, and as failed unless seen acknowledged
                assertThat(fleet.planned()).isEqualTo(3000);
                assertThat(fleet.sent()).isGreaterThan(1500);
                assertThat(fleet.failed()).isPositive();
                // stopped (SIGTERM) rather than killed, the other worker still reports what it sent and had answered
                fleet.close();
                assertThat(fleet.failures()).hasSize(1);
                assertThat(fleet.sent()).isGreaterThan(1500).isLessThanOrEqualTo(3000);
                assertThat(fleet.acknowledged() + fleet.failed()).isLessThanOrEqualTo(fleet.sent());
            }
        }
    }

    @Test
    void everyDeviceLogsInAsItselfAndAWorkerWhoseDeviceIsRefusedIsNamed() throws Exception {
        DemoAccess access = DemoAccess.prepare(dir.resolve("home"), 6, null);
        try (MosquittoServer broker = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp())) {
            broker.withAccess(access.passwordFile, access.aclFile);
            broker.start();
            SimulatorConfig six = fleet(broker.url(), 6, 60, Duration.ofSeconds(1));
            try (PublisherFleet fleet = PublisherFleet.start(six, access.credentialsFile, 2, "128m", dir.resolve("logs"))) {
                assertThat(fleet.awaitCompletion(WAIT)).isTrue();
                assertThat(fleet.failures()).isEmpty();
                assertThat(fleet.acknowledged()).isEqualTo(60).isEqualTo(fleet.sent());
            }

            Map<String, DeviceCredentials> tampered = new LinkedHashMap<>(DeviceCredentials.read(access.credentialsFile));
            tampered.put("gauge-5", new DeviceCredentials("not-its-password", tampered.get("gauge-5").pskKey()));
            Path wrong = dir.resolve("wrong-credentials.yaml");
            DeviceCredentials.write(tampered, wrong);
            // devices 3, 4 and 5 are the second worker's
            long refusing = System.nanoTime();
            assertThatThrownBy(() -> PublisherFleet.start(six, wrong, 2, "128m", dir.resolve("logs")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("publisher worker 1")
                    .hasMessageContaining("did not connect")
                    .hasMessageContaining("broker refused gauge-5");
            // named as soon as the refused worker exits, not when the fleet's 3-minute connect patience runs out
            assertThat(Duration.ofNanos(System.nanoTime() - refusing)).isLessThan(Duration.ofSeconds(60));
        }
    }

    /** Probes until the subscriber has one: its subscription is in place. */
    private static void awaitSubscribed(MosquittoServer broker, LeanSubscriber subscriber) {
        BenchLoad load = new BenchLoad(broker.url(), 1, 1, Duration.ofSeconds(1), 1, Path.of("."));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            load.probe(System.currentTimeMillis());
            return subscriber.messages() > 0;
        });
        // a probe sent before the subscription took hold is never delivered; one after it may still be on its way:
        // wait until two counts half a second apart agree
        AtomicLong last = new AtomicLong(-1);
        await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> last.getAndSet(subscriber.messages()) == subscriber.messages());
    }
}

package io.vigil.sim;

import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Protocol;
import io.vigil.common.serde.Json;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator against a real Mosquitto (what a gateway subscriber receives) and a real Californium server (what
 * a gateway's CoAP resource receives). Each test uses its own device id prefix, so they share both servers.
 */
@Tag("servers")
class SimulatorTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static LocalStack stack;
    static ReadingSubscriber subscriber;
    static RecordingCoapGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, MQTT).start();
        subscriber = new ReadingSubscriber(stack.mosquitto.url());
        gateway = new RecordingCoapGateway();
    }

    @AfterAll
    static void stop() throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static SimulatorConfig config(String prefix) {
        return SimulatorConfig.defaults()
                .withMqttUrl(stack.mosquitto.url())
                .withCoapUri(gateway.uri())
                .withDeviceIdPrefix(prefix);
    }

    @Test
    void mqttFleetDeliversExactlyTheScheduledReadings() throws Exception {
        SimulatorConfig config = config("mq-").withDevices(5).withCoapShare(0).withRatePerSecond(200)
                .withMaxReadings(200L);
        try (Simulator sim = Simulator.start(config, null)) {
            assertThat(sim.awaitCompletion(WAIT)).isTrue();
            assertThat(sim.sent()).isEqualTo(200);
            assertThat(sim.acknowledged()).isEqualTo(sim.sent());
            assertThat(sim.failed()).isZero();

            await().atMost(WAIT).until(() -> subscriber.from("mq-").size() >= 200);
            List<ReadingSubscriber.Arrived> arrived = subscriber.from("mq-");
            assertThat(arrived).extracting(ReadingSubscriber.Arrived::contentType).containsOnly("application/json");
            assertThat(arrived).extracting(a -> new Sent(a.deviceId(), a.reading()))
                    .containsExactlyInAnyOrderElementsOf(scheduled(sim, config, Protocol.MQTT));
            assertThat(arrived).extracting(a -> a.reading().zone()).contains("riverside", "harbour", "old-town");
            assertThat(subscriber.unreadable()).isEmpty();
        }
    }

    @Test
    void mixedFleetSendsTheCoapShareAsJsonToEachDevicesPath() throws Exception {
        SimulatorConfig config = config("mix-").withDevices(10).withCoapShare(0.3).withRatePerSecond(300)
                .withMaxReadings(300L);
        try (Simulator sim = Simulator.start(config, null)) {
            assertThat(sim.awaitCompletion(WAIT)).isTrue();
            assertThat(sim.acknowledged()).isEqualTo(300);

            await().atMost(WAIT).until(() -> gateway.from("mix-").size() >= 90 && subscriber.from("mix-").size() >= 210);
            List<RecordingCoapGateway.Received> coap = gateway.from("mix-");
            assertThat(coap).extracting(RecordingCoapGateway.Received::contentFormat).containsOnly(50);
            assertThat(coap).extracting(RecordingCoapGateway.Received::path).containsOnly(
                    "readings/mix-7", "readings/mix-8", "readings/mix-9");
            List<Sent> coapSent = new ArrayList<>();
            for (RecordingCoapGateway.Received r : coap) {
                coapSent.add(new Sent(r.path().substring("readings/".length()),
                        Json.mapper().readValue(r.payload(), DeviceReading.class)));
            }
            assertThat(coapSent).containsExactlyInAnyOrderElementsOf(scheduled(sim, config, Protocol.COAP));
            assertThat(subscriber.from("mix-")).extracting(a -> new Sent(a.deviceId(), a.reading()))
                    .containsExactlyInAnyOrderElementsOf(scheduled(sim, config, Protocol.MQTT));
        }
    }

    @Test
    void coapDevicesCanSendSenml() throws Exception {
        SimulatorConfig config = config("senml-").withDevices(2).withCoapShare(1).withMqttUrl(null)
                .withPayloadFormat(PayloadFormat.SENML_JSON).withRatePerSecond(100).withMaxReadings(20L);
        try (Simulator sim = Simulator.start(config, null)) {
            assertThat(sim.awaitCompletion(WAIT)).isTrue();
            assertThat(sim.acknowledged()).isEqualTo(20);
            List<RecordingCoapGateway.Received> coap = gateway.from("senml-");
            assertThat(coap).hasSize(20).extracting(RecordingCoapGateway.Received::contentFormat).containsOnly(110);
            for (RecordingCoapGateway.Received r : coap) {
                var record = Json.mapper().readTree(r.payload()).get(0);
                assertThat("readings/" + record.get("bn").asText()).isEqualTo(r.path() + "/");
                assertThat(record.get("n").asText()).isEqualTo("water_level");
                assertThat(record.get("u").asText()).isEqualTo("m");
                assertThat(record.get("bt").asDouble() * 1000).isBetween((double) sim.startTime(), sim.startTime() + 1000.0);
            }
        }
    }

    @Test
    void refusedReadingsCountAsFailedAndTheRestStillArrive() throws Exception {
        gateway.refuse("bad-1");
        SimulatorConfig config = config("bad-").withDevices(4).withCoapShare(1).withRatePerSecond(200)
                .withMaxReadings(40L);
        try (Simulator sim = Simulator.start(config, null)) {
            assertThat(sim.awaitCompletion(WAIT)).isTrue();
            assertThat(sim.sent()).isEqualTo(40);
            assertThat(sim.failed()).isEqualTo(10);
            assertThat(sim.acknowledged()).isEqualTo(30);
            assertThat(sim.lastFailure()).contains("4.00 BAD_REQUEST");
            assertThat(gateway.from("bad-")).hasSize(40);
        }
    }

    @Test
    void sendsAtTheConfiguredRateAndReportsProgress() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(out, true, StandardCharsets.UTF_8);
        SimulatorConfig config = config("rate-").withRatePerSecond(100).withDuration(Duration.ofSeconds(3))
                .withProgressEvery(Duration.ofSeconds(1));
        try (Simulator sim = Simulator.start(config, progress)) {
            long started = System.nanoTime();
            // Sampled mid-run: an unpaced sender would have sent everything at once.
            await().atMost(WAIT).until(() -> sim.sent() >= 150);
            double midRate = sim.sent() / ((System.nanoTime() - started) / 1e9);
            assertThat(midRate).isBetween(50.0, 150.0);

            assertThat(sim.awaitCompletion(WAIT)).isTrue();
            double overallRate = sim.sent() / ((System.nanoTime() - started) / 1e9);
            assertThat(sim.sent()).isEqualTo(300);
            assertThat(overallRate).isBetween(50.0, 150.0);
            assertThat(sim.acknowledged()).isEqualTo(300);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).filteredOn(l -> l.matches(
                        "sim: \\d+\\.\\d readings/s sent, total \\d+ sent, \\d+ acknowledged, \\d+ failed \\(mqtt \\d+, coap \\d+\\)"))
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).last().asString().matches("sim: done after \\d+\\.\\d s \\(\\d+\\.\\d readings/s on average\\), "
                + "total 300 sent, 300 acknowledged, 0 failed \\(mqtt 210, coap 90\\)");
    }

    @Test
    void aRunWithoutEndSendsUntilClosedAndThenAccountsForEveryReading() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SimulatorConfig config = config("open-").withRatePerSecond(50);
        Simulator sim = Simulator.start(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> sim.acknowledged() >= 20);
        assertThat(sim.awaitCompletion(Duration.ZERO)).isFalse();
        sim.close();
        assertThat(sim.awaitCompletion(Duration.ofSeconds(1))).isTrue();
        long sent = sim.sent();
        assertThat(sim.acknowledged() + sim.failed()).isEqualTo(sent);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("total " + sent + " sent");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> sim.sent() == sent);
    }

    @Test
    void oneHandMadeReadingGoesOverEitherProtocol() throws Exception {
        DeviceReading reading = new DeviceReading("water_level", 4.2, "m", System.currentTimeMillis(), "riverside", "city");
        Simulator.sendOne(config("hand-"), Protocol.MQTT, "hand-mqtt", reading);
        Simulator.sendOne(config("hand-"), Protocol.COAP, "hand-coap", reading);
        await().atMost(WAIT).until(() -> subscriber.from("hand-mqtt").size() == 1);
        assertThat(subscriber.from("hand-mqtt").get(0).reading()).isEqualTo(reading);
        assertThat(gateway.from("hand-coap")).singleElement().satisfies(r ->
                assertThat(Json.mapper().readValue(r.payload(), DeviceReading.class)).isEqualTo(reading));
    }

    @Test
    void anUnreachableBrokerIsAClearErrorAtStart() {
        String nowhere = "tcp://127.0.0.1:" + FreePorts.tcp();
        assertThatThrownBy(() -> Simulator.start(config("none-").withMqttUrl(nowhere).withCoapShare(0), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to MQTT broker " + nowhere);
        assertThatThrownBy(() -> Simulator.start(config("none-").withDevices(0), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("devices");
    }

    record Sent(String deviceId, DeviceReading reading) {}

    /** The readings a run must have sent over {@code protocol}, recomputed from the schedule and the scenario. */
    private static List<Sent> scheduled(Simulator sim, SimulatorConfig config, Protocol protocol) {
        ReadingSchedule schedule = new ReadingSchedule(config.devices(), config.ratePerSecond());
        List<Sent> expected = new ArrayList<>();
        for (long k = 0; k < config.readingLimit(); k++) {
            SimulatedDevice device = sim.fleet().get(schedule.device(k));
            if (device.protocol() == protocol) {
                long elapsed = schedule.elapsedMillis(k);
                expected.add(new Sent(device.id(), DeviceReading.of(sim.scenario().measure(device.index(), elapsed),
                        sim.startTime() + elapsed, device.zone(), device.site())));
            }
        }
        return expected;
    }
}

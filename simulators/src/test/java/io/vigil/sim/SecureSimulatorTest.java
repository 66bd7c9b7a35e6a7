package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MosquittoAccess;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.common.registry.ServiceAccount;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices with their own credentials: MQTT devices log in as themselves to a real Mosquitto whose ACL lets each
 * publish only its own topic, CoAP devices do a real DTLS PSK handshake with their own identity.
 */
@Tag("servers")
class SecureSimulatorTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String READER_PASSWORD = Secrets.newPassword();
    private static final Map<String, DeviceCredentials> CREDENTIALS = new LinkedHashMap<>();
    /** Its own prefix, so its readings do not count towards the fleet test's. */
    private static final String BURST_DEVICE = "burst-0";
    private static final int LEAN_DEVICES = 3;

    @TempDir
    static Path dir;
    static MosquittoServer mosquitto;
    static ReadingSubscriber subscriber;
    static RecordingCoapGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        DeviceRegistry registry = DeviceRegistry.empty();
        Map<String, String> psks = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            String id = "sec-" + i;
            DeviceCredentials c = new DeviceCredentials(Secrets.newPassword(), Secrets.newPskKey());
            CREDENTIALS.put(id, c);
            psks.put(id, c.pskKey());
            registry = registry.with(new RegisteredDevice(id, "city", "riverside", null,
                    Secrets.mosquittoHash(c.mqttPassword()), c.pskKey(), Set.of(), false));
        }
        for (int i = 0; i < LEAN_DEVICES; i++) {
            String id = "lean-" + i;
            DeviceCredentials c = new DeviceCredentials(Secrets.newPassword(), Secrets.newPskKey());
            CREDENTIALS.put(id, c);
            registry = registry.with(new RegisteredDevice(id, "city", "riverside", null,
                    Secrets.mosquittoHash(c.mqttPassword()), c.pskKey(), Set.of(), false));
        }
        DeviceCredentials burst = new DeviceCredentials(Secrets.newPassword(), Secrets.newPskKey());
        CREDENTIALS.put(BURST_DEVICE, burst);
        psks.put(BURST_DEVICE, burst.pskKey());
        List<Path> access = MosquittoAccess.write(registry, List.of(new ServiceAccount("reader",
                Secrets.mosquittoHash(READER_PASSWORD), ServiceAccount.Role.GATEWAY)), dir.resolve("access"));
        mosquitto = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp()).withAccess(access.get(0), access.get(1));
        mosquitto.start();
        subscriber = new ReadingSubscriber(mosquitto.url(), "reader", READER_PASSWORD);
        gateway = new RecordingCoapGateway(psks);
    }

    @AfterAll
    static void stop() throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static SimulatorConfig config(Map<String, DeviceCredentials> credentials) {
        return SimulatorConfig.defaults().withMqttUrl(mosquitto.url()).withCoapUri(gateway.uri())
                .withDeviceIdPrefix("sec-").withDevices(4).withCoapShare(0.5).withRatePerSecond(200)
                .withMaxReadings(40L).withCredentials(credentials);
    }

    @Test
    void eachDeviceLogsInAsItselfOverMqttAndCoaps() throws Exception {
        try (Simulator sim = Simulator.start(config(CREDENTIALS), null)) {
            assertThat(sim.awaitCompletion(WAIT)).isTrue();
            assertThat(sim.failed()).isZero();
            assertThat(sim.acknowledged()).isEqualTo(40);
        }
        await().atMost(WAIT).until(() -> subscriber.from("sec-").size() >= 20 && gateway.from("sec-").size() >= 20);
        assertThat(subscriber.from("sec-")).extracting(ReadingSubscriber.Arrived::deviceId)
                .containsOnly("sec-0", "sec-1");
        assertThat(gateway.from("sec-")).hasSize(20)
                .allSatisfy(r -> assertThat(r.path()).isEqualTo("readings/" + r.identity()))
                .extracting(RecordingCoapGateway.Received::identity).containsOnly("sec-2", "sec-3");
    }

    /**
     * Scandium holds at most 10 application messages (DTLS_MAX_DEFERRED_OUTBOUND_APPLICATION_MESSAGES) while the
     * handshake runs and drops the rest; a device pipelining more than that at its start used to get exactly 10
     * answers.
     */
    @Test
    void aCoapsDeviceSendingAFastBurstGetsEveryReadingAnswered() throws Exception {
        int readings = 200;
        SimulatorConfig burst = SimulatorConfig.defaults().withMqttUrl(mosquitto.url()).withCoapUri(gateway.uri())
                .withDeviceIdPrefix("burst-").withDevices(1).withCoapShare(1.0).withRatePerSecond(2000)
                .withMaxReadings((long) readings).withCredentials(CREDENTIALS);
        try (Simulator sim = Simulator.start(burst, null)) {
            boolean completed = sim.awaitCompletion(WAIT);
            assertThat(completed).as("%d acknowledged, %d failed, last failure: %s", sim.acknowledged(),
                    sim.failed(), sim.lastFailure()).isTrue();
            assertThat(sim.failed()).as(sim.lastFailure()).isZero();
            assertThat(sim.acknowledged()).isEqualTo(readings);
        }
        assertThat(gateway.from("burst-")).hasSize(readings)
                .extracting(RecordingCoapGateway.Received::identity).containsOnly(BURST_DEVICE);
    }

    /**
     * The bench's lean publisher: each device still logs in as itself (the broker's ACL lets it publish only its own
     * topic), every reading arrives once, in order per device, with its content type, and counts as acknowledged
     * only on the broker's PUBACK.
     */
    @Test
    void theLeanPublisherLogsEachDeviceInAsItselfAndCountsPubacks() throws Exception {
        int readings = 600;
        SimulatorConfig lean = SimulatorConfig.defaults().withMqttUrl(mosquitto.url()).withDeviceIdPrefix("lean-")
                .withDevices(LEAN_DEVICES).withCoapShare(0).withRatePerSecond(3000).withMaxReadings((long) readings)
                .withCredentials(CREDENTIALS);
        try (Simulator sim = Simulator.connect(lean, FleetSlice.all(LEAN_DEVICES), null, true)) {
            sim.startAt(System.currentTimeMillis());
            assertThat(sim.awaitCompletion(WAIT)).as("%d acknowledged, %d failed, last failure: %s",
                    sim.acknowledged(), sim.failed(), sim.lastFailure()).isTrue();
            assertThat(sim.failed()).as(sim.lastFailure()).isZero();
            assertThat(sim.acknowledged()).isEqualTo(readings);
        }
        await().atMost(WAIT).until(() -> subscriber.from("lean-").size() >= readings);
        List<ReadingSubscriber.Arrived> arrived = subscriber.from("lean-");
        assertThat(arrived).hasSize(readings).extracting(ReadingSubscriber.Arrived::contentType)
                .containsOnly(PayloadFormat.JSON.mediaType());
        for (int i = 0; i < LEAN_DEVICES; i++) {
            String device = "lean-" + i;
            List<Long> times = arrived.stream().filter(a -> a.deviceId().equals(device))
                    .map(a -> a.reading().time()).toList();
            assertThat(times).as(device).hasSize(readings / LEAN_DEVICES).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void theLeanPublisherIsRefusedWithAWrongPassword() {
        Map<String, DeviceCredentials> wrongPassword = new LinkedHashMap<>(CREDENTIALS);
        wrongPassword.put("lean-1", new DeviceCredentials("not-it", CREDENTIALS.get("lean-1").pskKey()));
        SimulatorConfig lean = SimulatorConfig.defaults().withMqttUrl(mosquitto.url()).withDeviceIdPrefix("lean-")
                .withDevices(LEAN_DEVICES).withCoapShare(0).withRatePerSecond(100).withMaxReadings(10L)
                .withCredentials(wrongPassword);
        assertThatThrownBy(() -> Simulator.connect(lean, FleetSlice.all(LEAN_DEVICES), null, true))
                .isInstanceOf(IOException.class).hasMessageContaining("lean-1").hasMessageContaining("reason code 0x87");
    }

    @Test
    void aWrongMqttPasswordIsRefusedAtStart() {
        Map<String, DeviceCredentials> wrongPassword = new LinkedHashMap<>(CREDENTIALS);
        wrongPassword.put("sec-0", new DeviceCredentials("not-it", CREDENTIALS.get("sec-0").pskKey()));
        assertThatThrownBy(() -> Simulator.start(config(wrongPassword), null)).isInstanceOf(IOException.class)
                .hasMessageContaining("MQTT");
    }

    @Test
    void coapsWithoutCredentialsIsAConfigError() {
        assertThatThrownBy(() -> config(Map.of()).validate()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coaps");
    }
}

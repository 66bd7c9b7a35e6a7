package io.vigil.sim.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Topics;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MosquittoAccess;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.common.registry.ServiceAccount;
import io.vigil.sim.DeviceCredentials;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers log in as themselves to a real Mosquitto whose ACL comes from the registry: each may write only its own
 * tag-read topic, and the gateway's service account reads them all.
 */
@Tag("servers")
class SecureRfidSimulatorTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> READERS = List.of("plaza-gate", "pump-house", "store", "muster");
    private static final String SMOKE = "smoke-pump-room";
    private static final String GATEWAY_PASSWORD = Secrets.newPassword();
    private static final Map<String, DeviceCredentials> CREDENTIALS = new LinkedHashMap<>();

    @TempDir
    static Path dir;
    static MosquittoServer mosquitto;
    static MqttClient gateway;
    static final Queue<String> arrivedFrom = new ConcurrentLinkedQueue<>();
    static final Queue<String> readingsFrom = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        DeviceRegistry registry = DeviceRegistry.empty();
        for (String reader : READERS) {
            DeviceCredentials c = new DeviceCredentials(Secrets.newPassword(), Secrets.newPskKey());
            CREDENTIALS.put(reader, c);
            registry = registry.with(new RegisteredDevice(reader, "harbour-plaza", "plaza", null,
                    Secrets.mosquittoHash(c.mqttPassword()), c.pskKey(), Set.of(), false));
        }
        DeviceCredentials smoke = new DeviceCredentials(Secrets.newPassword(), Secrets.newPskKey());
        CREDENTIALS.put(SMOKE, smoke);
        registry = registry.with(new RegisteredDevice(SMOKE, "harbour-plaza", "pump-room", null,
                Secrets.mosquittoHash(smoke.mqttPassword()), smoke.pskKey(), Set.of("smoke"), false));
        List<Path> access = MosquittoAccess.write(registry, List.of(new ServiceAccount("gateway",
                Secrets.mosquittoHash(GATEWAY_PASSWORD), ServiceAccount.Role.GATEWAY)), dir.resolve("access"));
        mosquitto = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp()).withAccess(access.get(0), access.get(1));
        mosquitto.start();

        gateway = new MqttClient(mosquitto.url(), "secure-rfid-test-gateway", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setUserName("gateway");
        o.setPassword(GATEWAY_PASSWORD.getBytes(StandardCharsets.UTF_8));
        gateway.connect(o);
        IMqttMessageListener keep = (topic, m) -> arrivedFrom.add(topic.substring(Topics.MQTT_TAGREADS_PREFIX.length()));
        IMqttMessageListener keepReading = (topic, m) ->
                readingsFrom.add(topic.substring(Topics.MQTT_READINGS_PREFIX.length()));
        gateway.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.MQTT_TAGREADS_PREFIX + "+", 1),
                new MqttSubscription(Topics.MQTT_READINGS_PREFIX + "+", 1)},
                new IMqttMessageListener[] {keep, keepReading});
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.disconnect();
            gateway.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static RfidSimConfig config(Map<String, DeviceCredentials> credentials) {
        // the intrusion scenario's 100 s at 50x: 2 s
        return RfidSimConfig.defaults().withMqttUrl(mosquitto.url()).withSiteFile(Path.of("..", "config", "site.yaml"))
                .withScenario("intrusion").withTimeScale(50).withStartMs(1_764_300_000_000L)
                .withCredentials(credentials);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void eachReaderLogsInAsItselfAndTheGatewayGetsEveryPayload() throws Exception {
        RfidSimulator.Summary summary;
        try (RfidSimulator sim = new RfidSimulator(config(CREDENTIALS))) {
            summary = sim.run(quiet());
        }
        assertThat(summary.failed()).isZero();
        assertThat(summary.payloads()).isGreaterThan(200);
        await().atMost(WAIT).until(() -> arrivedFrom.size() >= summary.payloads());
        assertThat(arrivedFrom).hasSize((int) summary.payloads()).contains("plaza-gate", "pump-house", "store")
                .allMatch(READERS::contains);
    }

    @Test
    void theEvacuationsSmokeDetectorLogsInAsItselfAndAnonymouslyIsRefused() throws Exception {
        int tagPayloadsBefore = arrivedFrom.size();
        RfidSimulator.Summary summary;
        try (RfidSimulator sim = new RfidSimulator(config(CREDENTIALS).withScenario("evacuation").withTimeScale(60))) {
            summary = sim.run(quiet());
        }
        assertThat(summary.failed()).isZero();
        assertThat(summary.sensorReadings()).isEqualTo(120);
        await().atMost(WAIT).until(() -> readingsFrom.size() >= summary.sensorReadings());
        assertThat(readingsFrom).hasSize(120).containsOnly(SMOKE);
        // the other tests count every tag-read payload they receive: let this run's arrive, then forget them
        await().atMost(WAIT).until(() -> arrivedFrom.size() >= tagPayloadsBefore + summary.payloads());
        arrivedFrom.clear();

        Map<String, DeviceCredentials> readersOnly = new LinkedHashMap<>(CREDENTIALS);
        readersOnly.remove(SMOKE);
        assertThatThrownBy(() -> {
            try (RfidSimulator sim = new RfidSimulator(config(readersOnly).withScenario("evacuation"))) {
                sim.run(quiet());
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("sensor " + SMOKE).hasMessageContaining("anonymously");
    }

    @Test
    void aReaderWithAWrongPasswordIsRefusedAtStart() {
        Map<String, DeviceCredentials> wrong = new LinkedHashMap<>(CREDENTIALS);
        wrong.put("store", new DeviceCredentials("not-it", null));
        assertThatThrownBy(() -> {
            try (RfidSimulator sim = new RfidSimulator(config(wrong))) {
                sim.run(quiet());
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("reader store").hasMessageContaining("as itself");
    }

    @Test
    void anAnonymousReaderIsRefusedByABrokerWithAccessOn() {
        Map<String, DeviceCredentials> missing = new LinkedHashMap<>(CREDENTIALS);
        missing.remove("muster");
        assertThatThrownBy(() -> {
            try (RfidSimulator sim = new RfidSimulator(config(missing))) {
                sim.run(quiet());
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("reader muster").hasMessageContaining("anonymously");
    }

    @Test
    void credentialsWithoutAnMqttPasswordAreAConfigError() {
        assertThatThrownBy(() -> RfidSimConfig.defaults()
                .withCredentials(Map.of("store", new DeviceCredentials(null, "psk"))).validate())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reader 'store'");
    }
}

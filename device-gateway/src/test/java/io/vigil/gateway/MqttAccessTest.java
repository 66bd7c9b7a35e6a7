package io.vigil.gateway;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The password and ACL files Vigil generates, enforced by a real Mosquitto. */
@Tag("servers")
class MqttAccessTest {
    private static final String GATEWAY_PASSWORD = Secrets.newPassword();
    private static final String G1_PASSWORD = Secrets.newPassword();
    private static final String G2_PASSWORD = Secrets.newPassword();
    private static final String REVOKED_PASSWORD = Secrets.newPassword();

    @TempDir
    static Path dir;
    static MosquittoServer mosquitto;

    @BeforeAll
    static void start() throws Exception {
        DeviceRegistry registry = DeviceRegistry.empty()
                .with(device("g1", G1_PASSWORD)).with(device("g2", G2_PASSWORD))
                .with(device("gone", REVOKED_PASSWORD)).revoke("gone");
        List<Path> files = MosquittoAccess.write(registry, List.of(new ServiceAccount("vigil-gateway",
                Secrets.mosquittoHash(GATEWAY_PASSWORD), ServiceAccount.Role.GATEWAY)), dir.resolve("access"));
        mosquitto = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp()).withAccess(files.get(0), files.get(1));
        mosquitto.start();
    }

    @AfterAll
    static void stop() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static RegisteredDevice device(String id, String password) {
        return new RegisteredDevice(id, "s", "z", null, Secrets.mosquittoHash(password), Secrets.newPskKey(), Set.of(), false);
    }

    private static MqttClient connect(String user, String password) throws MqttException {
        MqttClient c = new MqttClient(mosquitto.url(), user + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        c.connect(o);
        return c;
    }

    @Test
    void refusesAnonymousWrongPasswordAndRevokedDevices() {
        assertThatThrownBy(() -> connect(null, null)).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect("g1", G2_PASSWORD)).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect("gone", REVOKED_PASSWORD)).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect("stranger", G1_PASSWORD)).isInstanceOf(MqttException.class);
    }

    @Test
    void aDevicePublishesOnlyUnderItsOwnIdAndOnlyTheGatewayReads() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        Queue<String> seenByDevice = new ConcurrentLinkedQueue<>();
        MqttClient gateway = connect("vigil-gateway", GATEWAY_PASSWORD);
        MqttClient g1 = connect("g1", G1_PASSWORD);
        MqttClient g2 = connect("g2", G2_PASSWORD);
        try {
            // a callback, not per-subscription listeners: Paho does not match a $share filter to its listener
            gateway.setCallback(new Receiver((topic, m) ->
                    seen.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8))));
            gateway.subscribe(new MqttSubscription[] {new MqttSubscription("$share/vigil/vigil/readings/+", 1)});
            g2.setCallback(new Receiver((topic, m) -> seenByDevice.add(topic)));
            g2.subscribe(new MqttSubscription[] {new MqttSubscription("vigil/readings/+", 1)});
            publish(g1, "vigil/readings/g2", "spoofed");
            publish(g1, "vigil/alerts/z/r/g1", "fake alert");
            publish(g1, "vigil/readings/g1", "own");

            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("vigil/readings/g1 own"));
            // the broker delivers one publisher's messages in order: had the spoofed one passed, it came first
            assertThat(seen).containsExactly("vigil/readings/g1 own");
            assertThat(seenByDevice).as("devices cannot read others' readings").isEmpty();
        } finally {
            for (MqttClient c : List.of(gateway, g1, g2)) {
                c.disconnect();
                c.close();
            }
        }
    }

    private record Receiver(java.util.function.BiConsumer<String, MqttMessage> onMessage)
            implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            onMessage.accept(topic, message);
        }

        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {}

        @Override
        public void mqttErrorOccurred(MqttException e) {}

        @Override
        public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) {}

        @Override
        public void connectComplete(boolean reconnect, String uri) {}

        @Override
        public void authPacketArrived(int code, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {}
    }

    private static void publish(MqttClient client, String topic, String payload) {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        try {
            client.publish(topic, m);
        } catch (MqttException refused) {
            // MQTT 5 brokers may answer a denied publish with PUBACK "not authorized"; either way it is not delivered
        }
    }
}

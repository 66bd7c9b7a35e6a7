package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MosquittoAccess;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.common.registry.ServiceAccount;
import io.vigil.common.serde.Json;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import io.vigil.testing.StackFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device learns why its payload was refused on vigil/rejections/{its id}, through a real Mosquitto enforcing the
 * ACL Vigil generates, and no other device receives what is published there.
 */
@Tag("servers")
class RejectionNoticeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GATEWAY_PASSWORD = Secrets.newPassword();
    private static final String A_PASSWORD = Secrets.newPassword();
    private static final String B_PASSWORD = Secrets.newPassword();

    @TempDir
    static Path dir;
    static MosquittoServer mosquitto;
    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(KAFKA);
    static GatewayApplication gateway;

    @BeforeAll
    static void start() throws Exception {
        DeviceRegistry registry = DeviceRegistry.empty()
                .with(new RegisteredDevice("dev-a", "city", "riverside", null, Secrets.mosquittoHash(A_PASSWORD),
                        Secrets.newPskKey(), Set.of(), false))
                .with(new RegisteredDevice("dev-b", "city", "harbour", null, Secrets.mosquittoHash(B_PASSWORD),
                        Secrets.newPskKey(), Set.of(), false));
        Path registryFile = dir.resolve("devices.yaml");
        registry.save(registryFile);
        List<Path> access = MosquittoAccess.write(registry, List.of(new ServiceAccount("vigil-gateway",
                Secrets.mosquittoHash(GATEWAY_PASSWORD), ServiceAccount.Role.GATEWAY)), dir.resolve("access"));
        mosquitto = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp()).withAccess(access.get(0), access.get(1));
        mosquitto.start();
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("notices")
                .withMqttUrl(mosquitto.url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withCoapsPort(0)
                .withAckPort(0)
                .withSecurity(GatewaySecurity.defaults().withRegistry(registryFile)
                        .withMqttLogin("vigil-gateway", GATEWAY_PASSWORD)));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static MqttClient device(String id, String password) throws MqttException {
        MqttClient c = new MqttClient(mosquitto.url(), id + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setUserName(id);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        c.connect(o);
        return c;
    }

    /** Subscribes and says whether the broker granted it; notices go to {@code into} as topic + payload. */
    private static boolean subscribe(MqttClient client, String filter, Queue<String> into) {
        try {
            IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) ->
                            into.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8))});
            return token.getReasonCodes() != null && token.getReasonCodes()[0] < 0x80;
        } catch (MqttException refused) {
            return false;
        }
    }

    @Test
    void theDeviceReadsWhyItsPayloadWasRefusedAndNoOtherDeviceCan() throws Exception {
        Queue<String> toA = new ConcurrentLinkedQueue<>();
        Queue<String> toB = new ConcurrentLinkedQueue<>();
        MqttClient a = device("dev-a", A_PASSWORD);
        MqttClient b = device("dev-b", B_PASSWORD);
        try {
            assertThat(subscribe(a, Topics.MQTT_REJECTIONS_PREFIX + "dev-a", toA)).isTrue();
            // Mosquitto's acl_file never refuses a SUBSCRIBE; it refuses to deliver what the ACL does not let the
            // client read. So dev-b tries both ways of reading dev-a's notices, and must receive none of them.
            subscribe(b, Topics.MQTT_REJECTIONS_PREFIX + "dev-a", toB);
            subscribe(b, Topics.MQTT_REJECTIONS_PREFIX + "#", toB);
            assertThat(subscribe(b, Topics.MQTT_REJECTIONS_PREFIX + "dev-b", toB)).isTrue();

            Devices.publish(a, "vigil/readings/dev-a", "{\"metric\":\"level\",\"value\":\u001b[2J", Payloads.JSON);
            await().atMost(WAIT).until(() -> !toA.isEmpty());
            String[] topicAndNotice = toA.peek().split(" ", 2);
            assertThat(topicAndNotice[0]).isEqualTo("vigil/rejections/dev-a");
            JsonNode notice = Json.mapper().readTree(topicAndNotice[1]);
            assertThat(notice.path("reason").asText()).isEqualTo("MALFORMED");
            assertThat(notice.path("topic").asText()).isEqualTo("vigil/readings/dev-a");
            assertThat(notice.path("receivedAt").asText()).endsWith("Z");
            assertThat(notice.path("bytes").asInt()).isEqualTo(30);
            assertThat(notice.has("excerpt")).as("an escape character makes the excerpt hex").isFalse();
            assertThat(notice.path("excerptHex").asText()).startsWith("7b226d6574726963").hasSize(2 * 30);
            assertThat(topicAndNotice[1]).doesNotContain("\u001b");

            // dev-b's own notice is published after dev-a's on the gateway's one connection: once it has arrived,
            // dev-a's would have arrived before it, had the broker let it through
            Devices.publish(b, "vigil/readings/dev-b", "{\"metric\":\"level\"}", Payloads.JSON);
            await().atMost(WAIT).until(() -> toB.stream().anyMatch(n -> n.contains("MISSING_FIELD")));
            assertThat(toB).allMatch(n -> n.startsWith("vigil/rejections/dev-b "));
            assertThat(toB.peek()).contains("\"excerpt\":\"{\\\"metric\\\":\\\"level\\\"}\"");
        } finally {
            for (MqttClient c : List.of(a, b)) {
                c.disconnect();
                c.close();
            }
        }
    }
}

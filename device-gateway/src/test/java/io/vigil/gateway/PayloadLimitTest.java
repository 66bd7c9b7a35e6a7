package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.DeadLetter;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.stack.Binaries;
import io.vigil.stack.MosquittoServer;
import io.vigil.testing.StackFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One payload limit, from the device to the dead-letter topic, against the real broker config the stack writes and a
 * gateway with its default limit: nothing over it is acknowledged without the device or the operator being told.
 */
@Tag("servers")
class PayloadLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LIMIT = Payloads.DEVICE_PAYLOAD_LIMIT;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(MQTT, KAFKA);
    static GatewayApplication gateway;
    static KafkaTopicsReader kafka;

    @BeforeAll
    static void start() throws Exception {
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("limit")
                .withMqttUrl(servers.mosquitto().url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withAckPort(0));
        kafka = new KafkaTopicsReader(servers.kafka().bootstrapServers(), servers.topic(Topics.READINGS),
                servers.topic(Topics.DEADLETTER));
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theGatewaysDefaultLimitIsTheDocumentedOne() {
        assertThat(GatewayConfig.defaults().maxPayloadBytes()).isEqualTo(LIMIT);
        assertThat(MosquittoServer.MAX_PACKET_BYTES).isBetween(LIMIT + 1, LIMIT + 8192);
    }

    @Test
    void aPayloadJustOverTheLimitIsDeadLetteredAsTooLarge() throws Exception {
        MqttClient device = Devices.mqttPublisher(servers.mosquitto().url(), "limit-just-over");
        try {
            Devices.publish(device, "vigil/readings/limit-just-over", padded(LIMIT + 1), Payloads.JSON);
        } finally {
            device.disconnect();
            device.close();
        }
        await().atMost(WAIT).pollInSameThread().until(() ->
                !kafka.poll().deadLetters(d -> "limit-just-over".equals(d.deviceId())).isEmpty());
        DeadLetter letter = kafka.deadLetters(d -> "limit-just-over".equals(d.deviceId())).get(0).value();
        assertThat(letter.reason()).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(letter.detail()).contains("limit of " + LIMIT + " bytes");
    }

    @Test
    void anMqtt5DeviceIsToldAtOnceThatAFarLargerPayloadIsRefused() throws Exception {
        MqttClient device = Devices.mqttPublisher(servers.mosquitto().url(), "limit-far-over-5");
        try {
            assertThatThrownBy(() -> Devices.publish(device, "vigil/readings/limit-far-over-5", padded(2 * LIMIT),
                    Payloads.JSON)).isInstanceOf(MqttException.class)
                    // the broker disconnects it with reason 0x95 (149), packet too large, and Paho reports that
                    .hasMessageContaining("Disconnect RC: 149");
        } finally {
            if (device.isConnected()) {
                device.disconnect();
            }
            device.close();
        }
    }

    @Test
    void anMqtt311DeviceSeesItsConnectionCloseOnAFarLargerPayload() throws Exception {
        Path payload = Files.write(dir.resolve("far-over.json"), padded(2 * LIMIT));
        Process pub = new ProcessBuilder(Binaries.require("mosquitto_pub").toString(), "-h", "127.0.0.1",
                "-p", String.valueOf(servers.mosquitto().port()), "-V", "mqttv311", "-q", "1", "-i", "limit-far-over-3",
                "-t", "vigil/readings/limit-far-over-3", "-f", payload.toString())
                .redirectErrorStream(true).start();
        assertThat(pub.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(pub.exitValue()).as("mosquitto_pub said: %s", said).isNotZero();
        assertThat(said).contains("connection was lost");
    }

    /** A valid plain reading padded with spaces to {@code size} bytes. */
    private static byte[] padded(int size) {
        byte[] reading = "{\"metric\":\"level\",\"value\":1.0}".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) ' ');
        System.arraycopy(reading, 0, out, 0, reading.length);
        return out;
    }
}

package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readings sent while Kafka is away end up on the readings topic once it is back, each of them, and none on the
 * dead-letter topic. (A broker redelivery racing the first attempt is pinned in IngestTest: restarting Mosquitto
 * here made the gateway's Paho reconnect back off for over a minute on the loaded machine.)
 */
class KafkaStallTest {
    private static final int READINGS = 30;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static LocalStack stack;
    static GatewayApplication gateway;
    static MqttClient device;
    static CoapClient coap;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, true, false, true, false).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("stall")
                .withMqttUrl(stack.mosquitto.url())
                .withKafkaBootstrap(stack.kafka.bootstrapServers())
                .withCoap("127.0.0.1", 0)
                .withAckPort(0)
                .withKafkaAckTimeout(Duration.ofSeconds(2)));
        device = Devices.mqttPublisher(stack.mosquitto.url(), "stall-device");
        coap = Devices.coapClient(gateway.coapPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (coap != null) {
            coap.shutdown();
            coap.getEndpoint().destroy();
        }
        if (device != null && device.isConnected()) {
            device.disconnect();
            device.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static final long START = System.currentTimeMillis() - 60_000;

    /** A distinct device time per reading: the gateway takes the same metric at the same time as a repeat. */
    private static byte[] reading(long seq) {
        return ("{\"metric\":\"level\",\"value\":" + seq + ",\"seq\":" + seq + ",\"time\":" + (START + seq)
                + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void readingsSentWhileKafkaIsAwayAreStoredOnceItIsBackAndNoneIsDeadLettered() throws Exception {
        stack.kafka.close();
        for (long seq = 1; seq <= READINGS; seq++) {
            Devices.publish(device, "vigil/readings/stall-mqtt", reading(seq), Payloads.JSON);
        }
        CoapResponse refused = Devices.post(coap, gateway.coapPort(), "/readings/stall-coap", reading(1),
                Payloads.COAP_JSON);
        assertThat(refused.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(refused.getOptions().getMaxAge()).as("Max-Age tells the device when to retry")
                .isEqualTo((long) io.vigil.gateway.coap.CoapResponses.RETRY_AFTER_SECONDS);
        await().atMost(WAIT).until(() -> gateway.metrics().kafkaErrors() >= READINGS);
        stack.kafka.start();

        try (KafkaTopicsReader kafka = new KafkaTopicsReader(stack.kafka.bootstrapServers(), Topics.READINGS,
                Topics.DEADLETTER)) {
            await().atMost(WAIT).pollInSameThread()
                    .until(() -> seqs(kafka.poll().readingsOf("stall-mqtt")).size() == READINGS);
            List<Long> expected = new ArrayList<>();
            for (long seq = 1; seq <= READINGS; seq++) {
                expected.add(seq);
            }
            assertThat(seqs(kafka.readingsOf("stall-mqtt"))).containsExactlyElementsOf(expected);
            assertThat(Devices.post(coap, gateway.coapPort(), "/readings/stall-coap", reading(1), Payloads.COAP_JSON)
                    .getCode()).as("the CoAP device's retry").isEqualTo(ResponseCode.CHANGED);
            await().atMost(WAIT).pollInSameThread()
                    .until(() -> !kafka.poll().readingsOf("stall-coap").isEmpty());
            assertThat(kafka.poll().deadLetters(d -> true)).as("dead letters").isEmpty();
            assertThat(gateway.metrics().rejections().values()).allMatch(count -> count == 0);
        }
    }

    private static Set<Long> seqs(List<Reading> readings) {
        Set<Long> seqs = new TreeSet<>();
        readings.forEach(r -> seqs.add(r.seq()));
        return seqs;
    }
}

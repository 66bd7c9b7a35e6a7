package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While Kafka is down, CoAP devices are told 5.03 (with Max-Age for the retry), officers' HTTP acknowledgements 503,
 * and MQTT messages stay unacknowledged and are retried; once Kafka is back, every reading sent meanwhile is on the
 * readings topic and none on the dead-letter topic. (A broker redelivery racing the first attempt is pinned in
 * IngestTest: restarting Mosquitto here made the gateway's Paho reconnect back off for over a minute on the loaded
 * machine.) Each test stops Kafka and starts it again, so they share one stack.
 */
@Tag("servers")
class KafkaOutageTest {
    private static final int READINGS = 30;
    private static final long START = System.currentTimeMillis() - 60_000;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static LocalStack stack;
    static GatewayApplication gateway;
    static MqttClient device;
    static CoapClient coap;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, MQTT, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("outage")
                .withMqttUrl(stack.mosquitto.url())
                .withKafkaBootstrap(stack.kafka.bootstrapServers())
                .withCoap("127.0.0.1", 0)
                .withAckPort(0)
                .withKafkaAckTimeout(Duration.ofSeconds(2)));
        device = Devices.mqttPublisher(stack.mosquitto.url(), "outage-device");
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

    @Test
    void kafkaOutageIsServiceUnavailableOverCoapAndRetriedOverMqtt() throws Exception {
        byte[] reading = "{\"metric\":\"level\",\"value\":4.5}".getBytes(StandardCharsets.UTF_8);
        long errors = gateway.metrics().kafkaErrors();
        long accepted = gateway.metrics().acceptedReadings();
        stack.kafka.close();

        assertThat(Devices.post(coap, gateway.coapPort(), "/readings/outage-coap", reading, Payloads.COAP_JSON).getCode())
                .isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        Devices.publish(device, "vigil/readings/outage-mqtt", reading, Payloads.JSON);
        HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.ackPort() + "/incidents/outage-incident/ack"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"by\":\"li\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ack.statusCode()).as("an officer is told the acknowledgement was not stored").isEqualTo(503);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.metrics().kafkaErrors() >= errors + 3);
        assertThat(gateway.metrics().acceptedReadings()).isEqualTo(accepted);

        stack.kafka.start();
        try (KafkaTopicsReader kafka = new KafkaTopicsReader(stack.kafka.bootstrapServers(), Topics.READINGS,
                Topics.DEADLETTER)) {
            await().atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .until(() -> !kafka.poll().readingsOf("outage-mqtt").isEmpty());
            assertThat(kafka.readingsOf("outage-mqtt")).extracting(r -> r.value()).containsExactly(4.5);
            assertThat(kafka.readingsOf("outage-coap")).as("the device was told 5.03, nothing stored").isEmpty();
        }
    }

    /** A distinct device time per reading: the gateway takes the same metric at the same time as a repeat. */
    private static byte[] reading(long seq) {
        return ("{\"metric\":\"level\",\"value\":" + seq + ",\"seq\":" + seq + ",\"time\":" + (START + seq)
                + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readingsSentWhileKafkaIsAwayAreStoredOnceItIsBackAndNoneIsDeadLettered() throws Exception {
        long errors = gateway.metrics().kafkaErrors();
        stack.kafka.close();
        for (long seq = 1; seq <= READINGS; seq++) {
            Devices.publish(device, "vigil/readings/stall-mqtt", reading(seq), Payloads.JSON);
        }
        CoapResponse refused = Devices.post(coap, gateway.coapPort(), "/readings/stall-coap", reading(1),
                Payloads.COAP_JSON);
        assertThat(refused.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(refused.getOptions().getMaxAge()).as("Max-Age tells the device when to retry")
                .isEqualTo((long) io.vigil.gateway.coap.CoapResponses.RETRY_AFTER_SECONDS);
        await().atMost(WAIT).until(() -> gateway.metrics().kafkaErrors() >= errors + READINGS);
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

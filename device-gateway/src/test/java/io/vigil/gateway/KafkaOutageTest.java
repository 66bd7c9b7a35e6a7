package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While Kafka is down, CoAP devices are told 5.03, officers' HTTP acknowledgements 503, and MQTT messages stay
 * unacknowledged and are retried; once Kafka is back, the MQTT reading arrives.
 */
class KafkaOutageTest {
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
        if (device != null) {
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
        stack.kafka.close();

        assertThat(Devices.post(coap, gateway.coapPort(), "/readings/outage-coap", reading, Payloads.COAP_JSON).getCode())
                .isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        Devices.publish(device, "vigil/readings/outage-mqtt", reading, Payloads.JSON);
        HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.ackPort() + "/incidents/outage-incident/ack"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"by\":\"li\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ack.statusCode()).as("an officer is told the acknowledgement was not stored").isEqualTo(503);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.metrics().kafkaErrors() >= 3);
        assertThat(gateway.metrics().acceptedReadings()).isZero();

        stack.kafka.start();
        try (KafkaTopicsReader kafka = new KafkaTopicsReader(stack.kafka.bootstrapServers(), Topics.READINGS,
                Topics.DEADLETTER)) {
            await().atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .until(() -> !kafka.poll().readingsOf("outage-mqtt").isEmpty());
            assertThat(kafka.readingsOf("outage-mqtt")).extracting(r -> r.value()).containsExactly(4.5);
            assertThat(kafka.readingsOf("outage-coap")).as("the device was told 5.03, nothing stored").isEmpty();
        }
    }
}

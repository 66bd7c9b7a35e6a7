package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus scrapes a real gateway (real Mosquitto and Kafka) and sees what it did, in its text format. */
class PrometheusScrapeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static LocalStack stack;
    static GatewayApplication gateway;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, MQTT, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("prometheus")
                .withMqttUrl(stack.mosquitto.url())
                .withKafkaBootstrap(stack.kafka.bootstrapServers())
                .withCoap("127.0.0.1", 0)
                .withAckPort(0)
                .withPrometheusPort(0));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<String> scrape() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.prometheusPort() + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aScrapeCountsReadingsAndRejectionsByProtocolAndReason() throws Exception {
        MqttClient device = Devices.mqttPublisher(stack.mosquitto.url(), "prom-device");
        try {
            Devices.publish(device, "vigil/readings/prom-1", "{\"metric\":\"level\",\"value\":1.5}", Payloads.JSON);
            Devices.publish(device, "vigil/readings/prom-1", "{\"metric\":\"level\",\"value\":", Payloads.JSON);
        } finally {
            device.disconnect();
            device.close();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> r = scrape();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(r.body())
                    .contains("vigil_gateway_readings_total{protocol=\"MQTT\"} 1.0")
                    .contains("vigil_gateway_rejections_total{reason=\"MALFORMED\"} 1.0")
                    .contains("vigil_gateway_rejections_total{reason=\"TOO_LARGE\"} 0.0")
                    .contains("vigil_gateway_kafka_send_seconds_count{topic=\"vigil.readings\"}");
        });
    }

    @Test
    void onlyGetAndHeadAreServed() throws Exception {
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.prometheusPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}

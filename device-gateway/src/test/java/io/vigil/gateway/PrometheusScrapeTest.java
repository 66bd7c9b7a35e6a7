package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.testing.StackFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Prometheus scrapes a real gateway (real Mosquitto and Kafka) and sees what it did, in its text format. */
@Tag("servers")
class PrometheusScrapeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(MQTT, KAFKA);
    static GatewayApplication gateway;

    @BeforeAll
    static void start() throws Exception {
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("prometheus")
                .withMqttUrl(servers.mosquitto().url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withAckPort(0)
                .withPrometheusPort(0));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static HttpResponse<String> scrape() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.prometheusPort() + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aScrapeCountsReadingsAndRejectionsByProtocolAndReason() throws Exception {
        MqttClient device = Devices.mqttPublisher(servers.mosquitto().url(), "prom-device");
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
                    .contains("vigil_gateway_kafka_send_seconds_count{topic=\"" + servers.topic(Topics.READINGS) + "\"}");
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

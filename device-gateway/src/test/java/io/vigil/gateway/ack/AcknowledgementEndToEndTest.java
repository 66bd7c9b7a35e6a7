package io.vigil.gateway.ack;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.DeadLetter;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.GatewayApplication;
import io.vigil.gateway.GatewayConfig;
import io.vigil.stack.LocalStack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Officers acknowledge over HTTP and MQTT against a gateway on real Mosquitto and Kafka; the test reads Kafka. */
@Tag("servers")
class AcknowledgementEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String INCIDENT = "river-level-high:gauge-7:water_level:1700000000000";

    @TempDir
    static Path dir;
    static LocalStack stack;
    static GatewayApplication gateway;
    static KafkaConsumer<String, byte[]> consumer;
    static final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    static HttpClient http;
    static MqttClient officer;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, MQTT, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER, Topics.CONTROL, Topics.AUDIT);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("ack")
                .withMqttUrl(stack.mosquitto.url())
                .withKafkaBootstrap(stack.kafka.bootstrapServers())
                .withCoap("127.0.0.1", 0)
                .withAckPort(0));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = List.of(new TopicPartition(Topics.CONTROL, 0),
                new TopicPartition(Topics.AUDIT, 0), new TopicPartition(Topics.DEADLETTER, 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        http = HttpClient.newHttpClient();
        officer = new MqttClient(stack.mosquitto.url(), "ack-officer", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        officer.connect(o);
    }

    @AfterAll
    static void stop() throws Exception {
        if (officer != null) {
            officer.disconnect();
            officer.close();
        }
        if (consumer != null) {
            consumer.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void httpAcknowledgementIsAcceptedAfterKafkaHasItOnControlAndAudit() throws Exception {
        HttpResponse<String> response = post("/incidents/" + encode(INCIDENT) + "/ack",
                "{\"by\":\"Officer Li\",\"comment\":\"crew on the way\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("\"incidentId\":\"" + INCIDENT + "\"", "\"by\":\"Officer Li\"");
        ControlMessage control = awaitControl(INCIDENT, "Officer Li");
        assertThat(control.type()).isEqualTo(ControlMessage.Type.ACK);
        assertThat(control.ack().comment()).isEqualTo("crew on the way");
        assertThat(control.ack().source()).startsWith("http 127.0.0.1:");
        AuditEvent audit = awaitAudit(INCIDENT, "Officer Li");
        assertThat(audit.kind()).isEqualTo("ACKNOWLEDGED");
        assertThat(audit.detail()).isEqualTo("crew on the way");
        assertThat(audit.at()).isEqualTo(control.ack().at());
        assertThat(audit.source()).isEqualTo(control.ack().source());
    }

    @Test
    void mqttAcknowledgementReachesControlAndAudit() throws Exception {
        String incident = "gas-leak:zone-3:co:1700000500000";
        publish(Topics.MQTT_ACK_PREFIX + incident, "{\"by\":\"Officer Wang\"}");

        ControlMessage control = awaitControl(incident, "Officer Wang");
        assertThat(control.ack().source()).isEqualTo("mqtt vigil/ack/" + incident);
        assertThat(awaitAudit(incident, "Officer Wang").source()).isEqualTo("mqtt vigil/ack/" + incident);
    }

    @Test
    void badMqttAcknowledgementIsDeadLetteredAndPublishesNothing() throws Exception {
        String incident = "fire:hall-2:temperature:1700000900000";
        publish(Topics.MQTT_ACK_PREFIX + incident, "{\"comment\":\"who am I\"}");
        publish(Topics.MQTT_ACK_PREFIX + incident, "{\"by\":\"Officer Zhao\"}");

        awaitControl(incident, "Officer Zhao");
        await().atMost(WAIT).pollInSameThread()
                .until(() -> deadLetters().stream().anyMatch(d -> d.source().equals("vigil/ack/" + incident)));
        DeadLetter letter = deadLetters().stream().filter(d -> d.source().equals("vigil/ack/" + incident))
                .findFirst().orElseThrow();
        assertThat(letter.reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"comment\":\"who am I\"}");
        assertThat(controls()).filteredOn(c -> c.ack().incidentId().equals(incident)).hasSize(1);
    }

    @Test
    void badHttpRequestsAreRefusedWithAReason() throws Exception {
        HttpResponse<String> noBy = post("/incidents/" + encode(INCIDENT) + "/ack", "{\"comment\":\"x\"}");
        assertThat(noBy.statusCode()).isEqualTo(400);
        assertThat(noBy.body()).contains("MISSING_FIELD", "'by'");
        assertThat(post("/incidents/" + encode(INCIDENT) + "/ack", "{\"by\":").statusCode()).isEqualTo(400);
        assertThat(post("/incidents/" + encode("a b") + "/ack", "{\"by\":\"li\"}").statusCode()).isEqualTo(400);
        assertThat(post("/incidents/" + INCIDENT + "/acknowledge", "{\"by\":\"li\"}").statusCode()).isEqualTo(404);
        assertThat(post("/elsewhere", "{\"by\":\"li\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri("/incidents/" + encode(INCIDENT) + "/ack"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> huge = post("/incidents/" + encode(INCIDENT) + "/ack",
                "{\"by\":\"li\",\"comment\":\"" + "x".repeat(10_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body()).contains("TOO_LARGE");
    }

    // ---- helpers ----

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.ackPort() + path);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void publish(String topic, String body) throws Exception {
        MqttMessage m = new MqttMessage(body.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        officer.publish(topic, m);
    }

    private static synchronized List<ControlMessage> controls() throws Exception {
        return decode(Topics.CONTROL, JsonSerde.control());
    }

    private static synchronized List<DeadLetter> deadLetters() throws Exception {
        return decode(Topics.DEADLETTER, JsonSerde.deadLetters());
    }

    private static synchronized <T> List<T> decode(String topic, JsonSerde<T> serde) throws Exception {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(r);
        }
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : seen) {
            if (r.topic().equals(topic)) {
                out.add(serde.fromBytes(r.value()));
            }
        }
        return out;
    }

    private static ControlMessage awaitControl(String incident, String by) {
        await().atMost(WAIT).pollInSameThread().until(() -> controls().stream()
                .anyMatch(c -> c.ack().incidentId().equals(incident) && c.ack().by().equals(by)));
        // looked up by key: only a record keyed by its incident id is found
        return seen.stream().filter(r -> r.topic().equals(Topics.CONTROL) && r.key().equals(incident))
                .map(r -> JsonSerde.control().deserialize(Topics.CONTROL, r.value()))
                .filter(c -> c.ack().by().equals(by)).findFirst().orElseThrow();
    }

    private static AuditEvent awaitAudit(String incident, String by) throws Exception {
        await().atMost(WAIT).pollInSameThread().until(() -> decode(Topics.AUDIT, JsonSerde.audit()).stream()
                .anyMatch(a -> a.subject().equals(incident) && a.by().equals(by)));
        return seen.stream().filter(r -> r.topic().equals(Topics.AUDIT) && incident.equals(r.key()))
                .map(r -> JsonSerde.audit().deserialize(Topics.AUDIT, r.value()))
                .filter(a -> a.by().equals(by)).findFirst().orElseThrow();
    }
}

package io.vigil.job;

import static io.vigil.stack.LocalStack.Server.ALERTMANAGER;
import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.common.serde.Json;
import io.vigil.common.serde.JsonSerde;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import io.vigil.testing.MqttProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as the launcher runs it, against real Kafka, InfluxDB and Mosquitto: readings in, points and alerts
 * out, a garbage record skipped, and a restart that restores the open incident from the retained checkpoint
 * and publishes each transition on vigil.alerts exactly once.
 */
@Tag("servers")
class JobApplicationTest {
    static final long T0 = 1_700_000_000_000L;
    static final String INCIDENT = "river-level-high:gauge-1:water_level:" + (T0 + 1000);
    static final String MQTT_TOPIC = "vigil/alerts/river-north/river-level-high/gauge-1";
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("stack"), MQTT, INFLUX, KAFKA, ALERTMANAGER).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void readingsBecomePointsAndAlertsAndARestartKeepsTheIncident() throws Exception {
        JobConfig config = StackJob.config(stack, dir.resolve("checkpoints"))
                .with(JobOptions.ALERTMANAGER_URL, stack.alertmanager.url())
                .with(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1))
                .with(JobOptions.INFLUX_FLUSH_INTERVAL, Duration.ofMillis(200))
                .with(JobOptions.WEB_UI_PORT, FreePorts.tcp());
        try (MqttProbe<Alert> mqtt = new MqttProbe<>(stack.mosquitto.url(), "probe", "vigil/alerts/#",
                JsonSerde.alerts()::fromBytes);
             KafkaProducer<byte[], byte[]> producer = producer();
             KafkaConsumer<byte[], byte[]> alerts = alertConsumer()) {
            List<Alert> seen = new ArrayList<>();

            // first run: the river rises into ALARM; a garbage record sits in the middle
            try (JobHandle job = JobApplication.start(config)) {
                job.awaitRunning(Duration.ofSeconds(60));
                assertThat(job.restoredFrom()).isEmpty();
                assertThat(ListeningSockets.nonLoopback()).as("sockets listening beyond loopback").isEmpty();
                assertThat(webUi(config.get(JobOptions.WEB_UI_PORT), "/jobs/overview")).contains("RUNNING");

                double[] rising = {3.0, 3.7, 4.2, 4.3, 4.4, 4.5, 4.4, 4.3, 4.2, 4.2, 4.2};
                for (int i = 0; i < rising.length; i++) {
                    if (i == 5) {
                        producer.send(new ProducerRecord<>(Topics.READINGS, "gauge-1".getBytes(StandardCharsets.UTF_8),
                                "{not a reading".getBytes(StandardCharsets.UTF_8)));
                    }
                    send(producer, "gauge-1", i, rising[i]);
                    send(producer, "gauge-2", i, 3.0);
                }
                producer.flush();

                await().pollInSameThread().atMost(Duration.ofSeconds(60)).until(() -> poll(alerts, seen).size() >= 2);
                assertThat(seen).extracting(Alert::phase, Alert::eventTime, Alert::incidentId)
                        .containsExactly(tuple(Phase.PRE_WARNING, T0 + 1000, INCIDENT), tuple(Phase.ALARM, T0 + 7000, INCIDENT));
                await().atMost(Duration.ofSeconds(30)).until(() -> mqtt.latest().containsKey(MQTT_TOPIC)
                        && mqtt.latest().get(MQTT_TOPIC).phase() == Phase.ALARM);
                await().atMost(Duration.ofSeconds(30)).until(() -> alertmanager(INCIDENT).equals(List.of("ALARM")));

                // a duty officer acknowledges: the ALARM is re-published with who, and audited
                producer.send(new ProducerRecord<>(Topics.CONTROL, INCIDENT.getBytes(StandardCharsets.UTF_8),
                        JsonSerde.control().toBytes(ControlMessage.of(new Acknowledgement(INCIDENT, "duty-1",
                                T0 + 8000, "on my way", "test")))));
                producer.send(new ProducerRecord<>(Topics.CONTROL, "x".getBytes(StandardCharsets.UTF_8),
                        "{not a control message".getBytes(StandardCharsets.UTF_8)));
                producer.flush();
                await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> poll(alerts, seen).size() >= 3);
                assertThat(seen.get(2)).extracting(Alert::phase, Alert::acknowledgedBy).containsExactly(Phase.ALARM, "duty-1");
                await().atMost(Duration.ofSeconds(30)).until(() -> count("readings") == 22 && count("incidents") == 2
                        && countAudit() == 1);
                assertThat(job.status()).as("the garbage record did not stop the job").isEqualTo(JobStatus.RUNNING);
                // a checkpoint has covered everything read: its offsets are committed
                await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset() == 23);

                // RECOVERING is decided (MQTT has it at once) and the job is cancelled right away: unless a
                // checkpoint completed in between, the restart replays these readings and decides it again
                for (int i = 11; i < 14; i++) {
                    send(producer, "gauge-1", i, 3.4); // below the clear level 3.5
                    send(producer, "gauge-2", i, 3.0);
                }
                producer.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> mqtt.latest().get(MQTT_TOPIC).phase() == Phase.RECOVERING);
            }

            // second run: restored from the retained checkpoint, the same incident recovers and closes
            try (JobHandle job = JobApplication.start(config)) {
                job.awaitRunning(Duration.ofSeconds(60));
                assertThat(job.restoredFrom()).isPresent();
                for (int i = 14; i < 25; i++) {
                    send(producer, "gauge-1", i, 3.4); // below the clear level 3.5
                    send(producer, "gauge-2", i, 3.0);
                }
                producer.flush();
                await().pollInSameThread().atMost(Duration.ofSeconds(60))
                        .until(() -> poll(alerts, seen).stream().anyMatch(a -> a.phase() == Phase.CLOSED));
                // exactly once each, as a read_committed consumer sees them, across the restart
                assertThat(seen).extracting(Alert::phase, Alert::eventTime, Alert::incidentId)
                        .containsExactly(tuple(Phase.PRE_WARNING, T0 + 1000, INCIDENT), tuple(Phase.ALARM, T0 + 7000, INCIDENT),
                                tuple(Phase.ALARM, T0 + 7000, INCIDENT), // acknowledged
                                tuple(Phase.RECOVERING, T0 + 11000, INCIDENT), tuple(Phase.CLOSED, T0 + 21000, INCIDENT));
                Alert closed = seen.get(seen.size() - 1);
                assertThat(closed.acknowledgedBy()).as("the restored state kept the acknowledgement").isEqualTo("duty-1");
                assertThat(closed.report()).extracting(r -> r.alarmAt(), r -> r.firstPreWarningAt(), r -> r.acknowledgedBy())
                        .containsExactly(T0 + 7000, T0 + 1000, "duty-1");
                await().atMost(Duration.ofSeconds(30)).until(() -> alertmanager(INCIDENT).isEmpty());
                await().atMost(Duration.ofSeconds(30)).until(() -> mqtt.latest().get(MQTT_TOPIC).phase() == Phase.CLOSED);
                await().atMost(Duration.ofSeconds(30)).until(() -> count("readings") == 50);
            }
        }
    }

    /**
     * {@code rules push} on a running job, on topics and a database of its own: a pushed rule raises an alert the
     * file's rules cannot, the file's rule keeps its open incident, and an invalid document is rejected on the audit
     * topic and changes nothing. The control record is what {@code bin/vigil rules push} sends (key "rules").
     */
    @Test
    void rulesPushedToTheRunningJobTakeEffectAndAnInvalidDocumentIsRejected() throws Exception {
        String prefix = "reload.";
        stack.kafka.createTopics(1, prefix + "readings", prefix + "alerts", prefix + "control", prefix + "audit");
        String fileRules = """
                rules:
                  - id: level-high
                    metric: water_level
                    threshold: {above: 4.0, clear: 3.5}
                """;
        String pushed = fileRules + """
                  - id: level-watch
                    metric: water_level
                    devices: "gauge-9"
                    threshold: {above: 4.4}
                """;
        Path rulesFile = Files.writeString(dir.resolve("reload-rules.yaml"), fileRules);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // the control topic has a leader before the job looks for it: an acknowledgement of nothing
            producer.send(new ProducerRecord<>(prefix + "control", "x".getBytes(StandardCharsets.UTF_8),
                    JsonSerde.control().toBytes(ControlMessage.of(new Acknowledgement("nothing:x:y:0", "nobody", T0,
                            null, "test"))))).get(30, TimeUnit.SECONDS);
        }
        JobConfig config = StackJob.config(stack, dir.resolve("reload-checkpoints"))
                .with(JobOptions.READINGS_TOPIC, prefix + "readings").with(JobOptions.ALERTS_TOPIC, prefix + "alerts")
                .with(JobOptions.CONTROL_TOPIC, prefix + "control").with(JobOptions.AUDIT_TOPIC, prefix + "audit")
                .with(JobOptions.CONSUMER_GROUP, "vigil-reload").with(JobOptions.INFLUX_DB, "reload")
                .with(JobOptions.RULES, rulesFile)
                .with(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1))
                .with(JobOptions.WEB_UI_PORT, FreePorts.tcp());
        String high = "level-high:gauge-9:water_level:" + T0;
        String watch = "level-watch:gauge-9:water_level:" + (T0 + 3000);
        try (KafkaProducer<byte[], byte[]> producer = producer();
             KafkaConsumer<byte[], byte[]> alerts = consumer(prefix + "alerts");
             KafkaConsumer<byte[], byte[]> audit = consumer(prefix + "audit");
             JobHandle job = JobApplication.start(config)) {
            job.awaitRunning(Duration.ofSeconds(60));
            List<Alert> seen = new ArrayList<>();
            List<AuditEvent> audited = new ArrayList<>();

            // 4.6 alarms the file's rule; level-watch, not yet in force, would alarm too
            for (int i = 0; i < 3; i++) {
                send(producer, prefix + "readings", "gauge-9", i, 4.6);
            }
            producer.flush();
            // generous: as the first job on a fresh broker it may pay for the first transactional alert write
            // (the broker then creates its transaction log); seen to exceed 90 s on this loaded 2-core machine
            await().pollInSameThread().atMost(Duration.ofMinutes(3)).until(() -> poll(alerts, seen).size() >= 1);
            assertThat(seen).extracting(Alert::incidentId, Alert::phase).containsExactly(tuple(high, Phase.ALARM));

            push(producer, prefix + "control", pushed);
            await().pollInSameThread().atMost(Duration.ofSeconds(60)).until(() -> pollAudit(audit, audited).size() >= 1);
            assertThat(audited).extracting(AuditEvent::kind, AuditEvent::by, AuditEvent::detail).containsExactly(
                    tuple("RULES_CHANGED", "Officer Li", "added [level-watch]; removed []; changed []; 2 rules in force"));

            for (int i = 3; i < 6; i++) {
                send(producer, prefix + "readings", "gauge-9", i, 4.6);
            }
            producer.flush();
            await().pollInSameThread().atMost(Duration.ofSeconds(60)).until(() -> poll(alerts, seen).size() >= 2);

            // an invalid document that would also remove level-watch: rejected, level-watch stays in force
            push(producer, prefix + "control", """
                    rules:
                      - id: level-high
                        metric: water_level
                        threshold: {above: high}
                    """);
            await().pollInSameThread().atMost(Duration.ofSeconds(60)).until(() -> pollAudit(audit, audited).size() >= 2);
            assertThat(audited.get(1).kind()).isEqualTo("RULES_REJECTED");
            assertThat(audited.get(1).detail()).endsWith(":4: rules[0].threshold.above: expected a number, got \"high\"");

            for (int i = 6; i < 9; i++) {
                send(producer, prefix + "readings", "gauge-9", i, 3.0);
            }
            producer.flush();
            await().pollInSameThread().atMost(Duration.ofSeconds(60))
                    .until(() -> poll(alerts, seen).stream().filter(a -> a.phase() == Phase.CLOSED).count() == 2);
            assertThat(seen).filteredOn(a -> a.ruleId().equals("level-high"))
                    .extracting(Alert::incidentId, Alert::phase, Alert::eventTime).containsExactly(
                            tuple(high, Phase.ALARM, T0), tuple(high, Phase.RECOVERING, T0 + 6000),
                            tuple(high, Phase.CLOSED, T0 + 6000));
            assertThat(seen).filteredOn(a -> a.ruleId().equals("level-watch"))
                    .extracting(Alert::incidentId, Alert::phase, Alert::eventTime).containsExactly(
                            tuple(watch, Phase.ALARM, T0 + 3000), tuple(watch, Phase.RECOVERING, T0 + 6000),
                            tuple(watch, Phase.CLOSED, T0 + 6000));
        }
    }

    static void push(KafkaProducer<byte[], byte[]> producer, String topic, String yaml) {
        RulesUpdate update = new RulesUpdate(yaml, "Officer Li", System.currentTimeMillis(), "cli test-host");
        producer.send(new ProducerRecord<>(topic, "rules".getBytes(StandardCharsets.UTF_8),
                JsonSerde.control().toBytes(ControlMessage.of(update))));
        producer.flush();
    }

    static List<AuditEvent> pollAudit(KafkaConsumer<byte[], byte[]> consumer, List<AuditEvent> seen) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(JsonSerde.audit().fromBytes(r.value()));
        }
        return seen;
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String device, int second, double value) {
        send(producer, Topics.READINGS, device, second, value);
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, String device, int second, double value) {
        long t = T0 + second * 1000L;
        Reading r = new Reading(device, "delta", "river-north", "water_level", value, "m", t, t + 20, Protocol.MQTT);
        producer.send(new ProducerRecord<>(topic, device.getBytes(StandardCharsets.UTF_8),
                JsonSerde.readings().toBytes(r)));
    }

    static List<Alert> poll(KafkaConsumer<byte[], byte[]> consumer, List<Alert> seen) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            Alert alert = JsonSerde.alerts().fromBytes(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(alert.incidentId());
            seen.add(alert);
        }
        return seen;
    }

    static long count(String measurement) throws Exception {
        JsonNode answer = Json.mapper().readTree(stack.influx.query("vigil", "SELECT count(value) FROM " + measurement));
        JsonNode values = answer.path("results").path(0).path("series").path(0).path("values");
        return values.isEmpty() ? 0 : values.path(0).path(1).asLong();
    }

    static long countAudit() throws Exception {
        JsonNode answer = Json.mapper().readTree(stack.influx.query("vigil", "SELECT count(detail) FROM audit"));
        JsonNode values = answer.path("results").path(0).path("series").path(0).path("values");
        return values.isEmpty() ? 0 : values.path(0).path(1).asLong();
    }

    /** The phases of the incident's active alerts in Alertmanager. */
    static List<String> alertmanager(String incident) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stack.alertmanager.url() + "/api/v2/alerts")).build(), HttpResponse.BodyHandlers.ofString());
        List<String> phases = new ArrayList<>();
        for (JsonNode a : Json.mapper().readTree(r.body())) {
            if (a.path("labels").path("incident").asText().equals(incident)
                    && a.path("status").path("state").asText().equals("active")) {
                phases.add(a.path("labels").path("phase").asText());
            }
        }
        return phases;
    }

    static long committedOffset() throws Exception {
        try (var admin = stack.kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("vigil-job")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata o = offsets.get(new TopicPartition(Topics.READINGS, 0));
            return o == null ? -1 : o.offset();
        }
    }

    static String webUi(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return producer(stack);
    }

    static KafkaProducer<byte[], byte[]> producer(LocalStack stack) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static KafkaConsumer<byte[], byte[]> alertConsumer() {
        return consumer(Topics.ALERTS);
    }

    /** Reads {@code topic} from its start as a read_committed consumer sees it. */
    static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        return consumer(stack, topic);
    }

    static KafkaConsumer<byte[], byte[]> consumer(LocalStack stack, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}

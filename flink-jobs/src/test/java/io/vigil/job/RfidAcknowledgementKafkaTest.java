package io.vigil.job;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Topics;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import io.vigil.common.serde.JsonSerde;
import io.vigil.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as the launcher runs it with a site file, on real Kafka, InfluxDB and Mosquitto: an intrusion raises an
 * RFID ALARM on vigil.alerts, and an acknowledgement published to vigil.control (as the gateway publishes it)
 * reaches that incident: the ALARM is re-published with the officer, and vigil.audit records it. An
 * acknowledgement of an RFID incident that does not exist changes nothing.
 */
@Tag("servers")
class RfidAcknowledgementKafkaTest {
    static final long T0 = 1_764_300_000_000L;
    static final String INCIDENT = "rfid-intrusion:p-v9:intrusion:" + (T0 + 1500);
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("stack"), MQTT, INFLUX, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT, Topics.TAGREADS);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAcknowledgementOnTheControlTopicReachesTheRfidIncident() throws Exception {
        Path site = Files.writeString(dir.resolve("site.yaml"), """
                site: kafka-test
                readers:
                  - {reader: r, antenna: 1, zone: street}
                  - {reader: r, antenna: 2, zone: pump-room}
                zones:
                  - {id: street}
                  - {id: pump-room, restricted: true, allowed: [staff]}
                groups:
                  - {id: staff, prefixes: ["p-s"]}
                  - {id: visitors, prefixes: ["p-v"]}
                """);
        JobConfig config = StackJob.config(stack, dir.resolve("checkpoints"))
                .with(JobOptions.SITE, site)
                .with(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1))
                .with(JobOptions.INFLUX_FLUSH_INTERVAL, Duration.ofMillis(200));
        try (KafkaProducer<byte[], byte[]> producer = JobApplicationTest.producer(stack);
             KafkaConsumer<byte[], byte[]> alerts = JobApplicationTest.consumer(stack, Topics.ALERTS);
             KafkaConsumer<byte[], byte[]> audit = JobApplicationTest.consumer(stack, Topics.AUDIT);
             JobHandle job = JobApplication.start(config)) {
            job.awaitRunning(Duration.ofSeconds(60));
            for (long t = 1000; t <= 6000; t += 500) { // a visitor in the pump room from 1.5 s
                TagRead read = new TagRead("r", 2, "p-v9", -55.0, 1, T0 + t, T0 + t, Protocol.MQTT, TagFormat.VIGIL,
                        "visitors");
                producer.send(new ProducerRecord<>(Topics.TAGREADS, bytes("r"), JsonSerde.tagReads().toBytes(read)));
            }
            producer.flush();
            List<Alert> seen = new ArrayList<>();
            await().pollInSameThread().atMost(Duration.ofSeconds(90)).until(() -> poll(alerts, seen).stream()
                    .anyMatch(a -> a.incidentId().equals(INCIDENT) && a.phase() == Phase.ALARM));

            acknowledge(producer, "rfid-intrusion:p-v1:intrusion:" + T0, "duty-2"); // no such incident
            acknowledge(producer, INCIDENT, "duty-1");
            producer.flush();
            await().pollInSameThread().atMost(Duration.ofSeconds(60))
                    .until(() -> poll(alerts, seen).stream().anyMatch(a -> a.acknowledgedBy() != null));
            assertThat(seen).extracting(Alert::incidentId, Alert::phase, Alert::acknowledgedBy).containsExactly(
                    JobApplicationTest.tuple(INCIDENT, Phase.ALARM, null),
                    JobApplicationTest.tuple(INCIDENT, Phase.ALARM, "duty-1"));
            List<AuditEvent> audited = new ArrayList<>();
            await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : audit.poll(Duration.ofMillis(200))) {
                    audited.add(JsonSerde.audit().fromBytes(r.value()));
                }
                return !audited.isEmpty();
            });
            assertThat(audited).extracting(AuditEvent::kind, AuditEvent::subject, AuditEvent::by, AuditEvent::detail)
                    .containsExactly(JobApplicationTest.tuple("ACKNOWLEDGED", INCIDENT, "duty-1", "on my way"));
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        }
    }

    private static void acknowledge(KafkaProducer<byte[], byte[]> producer, String incident, String by) {
        Acknowledgement ack = new Acknowledgement(incident, by, System.currentTimeMillis(), "on my way",
                "mqtt vigil/ack/" + incident);
        producer.send(new ProducerRecord<>(Topics.CONTROL, bytes(incident),
                JsonSerde.control().toBytes(ControlMessage.of(ack))));
    }

    private static List<Alert> poll(KafkaConsumer<byte[], byte[]> consumer, List<Alert> seen) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(JsonSerde.alerts().fromBytes(r.value()));
        }
        return seen;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

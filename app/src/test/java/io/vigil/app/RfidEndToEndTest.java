package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Topics;
import io.vigil.common.serde.Json;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.GatewayApplication;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.rfid.RfidGatewayConfig;
import io.vigil.job.JobApplication;
import io.vigil.job.JobConfig;
import io.vigil.job.JobHandle;
import io.vigil.job.rfid.RfidRules;
import io.vigil.sim.rfid.RfidSimConfig;
import io.vigil.sim.rfid.RfidSimulator;
import io.vigil.sim.rfid.SimTag;
import io.vigil.sim.rfid.Situation;
import io.vigil.stack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crowd scenario end to end on real servers: simulated readers (one in Zebra's format) publish over MQTT, the
 * gateway pseudonymises person tags, the job counts the plaza and warns. Then every stored byte is scanned for a
 * person's tag id in clear.
 */
class RfidEndToEndTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Path SITE = Path.of("..", "config", "site.yaml").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aCrowdOnThePlazaPreWarnsThenAlarmsAndNoPersonTagIsStoredInClear() throws Exception {
        try (LocalStack stack = LocalStack.onFreePorts(dir.resolve("servers"), true, true, true, false).start()) {
            stack.kafka.createTopics(1, Topics.READINGS, Topics.TAGREADS, Topics.DEADLETTER, Topics.ALERTS);
            Path rules = Path.of("..", "config", "rules.yaml");
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            JobHandle job = JobApplication.start(JobConfig.defaults().toBuilder()
                    .kafkaBootstrap(stack.kafka.bootstrapServers()).consumerGroup("rfid-e2e")
                    .influxUrl(stack.influx.url()).mqttUrl(stack.mosquitto.url()).rulesFile(rules).siteFile(SITE)
                    .maxOutOfOrderness(Duration.ofSeconds(1)).checkpointInterval(Duration.ofSeconds(1))
                    .checkpointDir(dir.resolve("checkpoints")).webUiPort(0).influxBatchSize(1000)
                    .influxFlushInterval(Duration.ofMillis(200)).build());
            try (GatewayApplication gateway = GatewayApplication.start(GatewayConfig.defaults()
                    .withMqttUrl(stack.mosquitto.url()).withKafkaBootstrap(stack.kafka.bootstrapServers())
                    .withCoap("127.0.0.1", 0).withAckPort(0), RfidGatewayConfig.of(SITE, key))) {
                job.awaitRunning(PATIENCE);

                // 120 s of crowd in 6 s of wall time; event times end about now
                RfidSimulator sim = new RfidSimulator(RfidSimConfig.defaults().withMqttUrl(stack.mosquitto.url())
                        .withSiteFile(SITE).withScenario("crowd").withTimeScale(20));
                RfidSimulator.Summary sent = sim.run(new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8));
                assertThat(sent.failed()).isZero();

                List<Alert> alerts = new ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> consumer = consumer(stack, "read_committed")) {
                    consumer.assign(List.of(new TopicPartition(Topics.ALERTS, 0)));
                    await().atMost(PATIENCE).untilAsserted(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                            alerts.add(JsonSerde.alerts().fromBytes(r.value()));
                        }
                        assertThat(alerts).extracting(Alert::phase).contains(Phase.ALARM);
                    });
                }
                List<Alert> plaza = alerts.stream().filter(a -> a.ruleId().equals(RfidRules.OCCUPANCY)).toList();
                assertThat(plaza).extracting(Alert::phase).startsWith(Phase.PRE_WARNING, Phase.ALARM);
                assertThat(plaza).extracting(Alert::zone).containsOnly("plaza");
                Situation trueWarn = sim.scenario().situations().get(0);
                Situation trueAlarm = sim.scenario().situations().get(1);
                // the plaza's trend forecast (capacity within its 10 min horizon) pre-warns while the crowd builds,
                // possibly before the warn share is truly reached, but not before the crowd starts forming (5 s); the
                // alarm needs two reads of the 21st visitor, so it follows the true crossing by a round or two
                assertThat(plaza.get(0).eventTime() - sent.startMs()).isBetween(5_000L, trueWarn.startMs() + 5_000);
                assertThat(plaza.get(1).eventTime() - sent.startMs()).isBetween(trueAlarm.startMs(), trueAlarm.startMs() + 5_000);
                assertThat(plaza.get(1).value()).isEqualTo(21);

                await().atMost(PATIENCE).untilAsserted(() -> assertThat(maxPlazaOccupancy(stack)).isEqualTo(25));

                // The scan: no person's tag id anywhere; assets keep theirs, which shows the scan can find ids.
                List<String> people = sim.scenario().tags().stream().filter(t -> !t.group().equals("assets")
                        && !t.group().equals("hazmat")).map(SimTag::id).toList();
                assertThat(people).hasSizeGreaterThan(30);
                String influx = stack.influx.query("vigil", "SELECT * FROM /.*/");
                String kafka = allRecords(stack, Topics.TAGREADS, Topics.ALERTS, Topics.DEADLETTER);
                assertThat(influx).contains("p-").contains("occupancy").contains("presence").contains("tag_reads");
                assertThat(kafka).contains("ASSET-0001").contains("\"tagId\":\"p-");
                for (String person : people) {
                    assertThat(influx).as("InfluxDB").doesNotContainIgnoringCase(person);
                    assertThat(kafka).as("Kafka").doesNotContainIgnoringCase(person);
                }
            } finally {
                job.close();
            }
        }
    }

    private static long maxPlazaOccupancy(LocalStack stack) throws Exception {
        JsonNode answer = Json.mapper().readTree(stack.influx.query("vigil",
                "SELECT max(\"count\") FROM \"occupancy\" WHERE \"zone\" = 'plaza'"));
        return answer.path("results").path(0).path("series").path(0).path("values").path(0).path(1).asLong();
    }

    /** Every record on {@code topics}, committed or not, as text. */
    private static String allRecords(LocalStack stack, String... topics) {
        StringBuilder all = new StringBuilder();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(stack, "read_uncommitted")) {
            List<TopicPartition> parts = java.util.Arrays.stream(topics).map(t -> new TopicPartition(t, 0)).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            var ends = consumer.endOffsets(parts);
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    all.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n');
                    if (r.key() != null) {
                        all.append(new String(r.key(), StandardCharsets.UTF_8)).append('\n');
                    }
                }
                return parts.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return all.toString();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(LocalStack stack, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}

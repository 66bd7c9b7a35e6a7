package io.vigil.job.backtest;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.serde.JsonSerde;
import io.vigil.job.JobApplication;
import io.vigil.job.JobConfig;
import io.vigil.job.JobOptions;
import io.vigil.job.StackJob;
import io.vigil.job.JobHandle;
import io.vigil.job.rules.RulesLoader;
import io.vigil.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same readings through the live job (JobApplication: its Kafka source and serde, real Kafka, InfluxDB and
 * Mosquitto) and through the backtest's file source give the same alerts: incident ids, phases, event times,
 * values, texts, reports. The live job evaluates a reading only once a later one moves its watermark on, so the
 * data ends with one reading of a series no rule watches, an hour later; that reading is in both runs.
 * Escalations are left out of the comparison: they follow wall-clock time, which a backtest does not have.
 */
@Tag("servers")
class BacktestEqualsLiveTest {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    @TempDir
    Path dir;

    @Test
    void theLiveJobAndTheBacktestRaiseTheSameAlerts() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        StringBuilder g1 = new StringBuilder("timestamp,value\n");
        StringBuilder g2 = new StringBuilder("timestamp,value\n");
        for (int s = 0; s <= 90; s++) {
            double rise = s < 10 ? 3.0 : s <= 40 ? 3.0 + (s - 10) * 0.05 : 3.2;
            g1.append(T0.plusSeconds(s)).append(',').append(rise).append('\n');
            g2.append(T0.plusSeconds(s)).append(',').append(s == 50 ? 4.6 : 3.1 + (s % 3) * 0.01).append('\n');
        }
        Files.writeString(in.resolve("gauge-1.csv"), g1.toString());
        Files.writeString(in.resolve("gauge-2.csv"), g2.toString());
        StringBuilder others = new StringBuilder("timestamp,device,metric,zone,value\n");
        for (int s = 0; s <= 600; s += 15) {
            others.append(T0.plusSeconds(s)).append(",gauge-3,water_level,river-north,2.5\n");
        }
        others.append(T0.plusSeconds(3600)).append(",clock,tick,unassigned,0\n");
        Files.writeString(in.resolve("others.csv"), others.toString());
        List<SeriesFile> inputs = CsvInputs.read(in, "water_level");
        List<Reading> readings = Replay.merge(inputs).readings();

        try (LocalStack stack = LocalStack.onFreePorts(dir.resolve("stack"), MQTT, INFLUX, KAFKA).start()) {
            stack.kafka.createTopics(1, Topics.READINGS, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT);
            JobConfig config = StackJob.config(stack, dir.resolve("checkpoints"));

            BacktestResult backtest = Backtest.run(inputs, new BacktestSettings(RulesLoader.load(config.get(JobOptions.RULES)),
                    config.get(JobOptions.OUT_OF_ORDERNESS), config.get(JobOptions.PARALLELISM), null));
            assertThat(backtest.alerts()).extracting(Alert::ruleId).as("the data exercises several rules")
                    .contains("river-level-high", "device-offline");

            List<Alert> live = new ArrayList<>();
            try (JobHandle job = JobApplication.start(config);
                 KafkaProducer<byte[], byte[]> producer = producer(stack);
                 KafkaConsumer<byte[], byte[]> alerts = alertConsumer(stack)) {
                job.awaitRunning(Duration.ofSeconds(120));
                for (Reading r : readings) {
                    Reading received = new Reading(r.deviceId(), r.site(), r.zone(), r.metric(), r.value(), r.unit(),
                            r.eventTime(), r.eventTime() + 20, r.protocol());
                    producer.send(new ProducerRecord<>(Topics.READINGS, r.deviceId().getBytes(StandardCharsets.UTF_8),
                            JsonSerde.readings().toBytes(received)));
                }
                producer.flush();
                await().pollInSameThread().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                    poll(alerts, live);
                    assertThat(byIncident(live)).isEqualTo(byIncident(backtest.alerts()));
                });
            }
        }
    }

    /** Each incident's transitions in order; incidents in any order (they run in parallel). */
    static Map<String, List<Alert>> byIncident(List<Alert> alerts) {
        Map<String, List<Alert>> by = new LinkedHashMap<>();
        alerts.stream().filter(a -> a.escalation() == 0).sorted(java.util.Comparator.comparing(Alert::incidentId))
                .forEach(a -> by.computeIfAbsent(a.incidentId(), k -> new ArrayList<>()).add(a));
        return by;
    }

    static void poll(KafkaConsumer<byte[], byte[]> consumer, List<Alert> seen) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(JsonSerde.alerts().fromBytes(r.value()));
        }
    }

    static KafkaProducer<byte[], byte[]> producer(LocalStack stack) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static KafkaConsumer<byte[], byte[]> alertConsumer(LocalStack stack) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        TopicPartition partition = new TopicPartition(Topics.ALERTS, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }
}

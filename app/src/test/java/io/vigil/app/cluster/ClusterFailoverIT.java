package io.vigil.app.cluster;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.cluster.ClusterSettings;
import io.vigil.cluster.FlinkCluster;
import io.vigil.cluster.FlinkRest;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.serde.Json;
import io.vigil.common.serde.JsonSerde;
import io.vigil.job.ClusterJob;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job jar on a real standalone cluster (one JobManager, two TaskManagers, each its own process) reading a
 * 4-partition topic with parallelism 2. Mid-load one TaskManager is killed with SIGKILL while incidents are open;
 * the job must come back on the survivor from its last checkpoint and, counted at the end, every reading is in
 * InfluxDB once and every incident transition is on vigil.alerts (read_committed) once.
 */
@Tag("servers")
class ClusterFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverIT.class);
    static final Path JOB_JAR = Path.of("..", "flink-jobs", "target", "vigil-job.jar").toAbsolutePath().normalize();
    static final long T0 = 1_700_000_000_000L;
    static final int DEVICES = 24;
    static final int SECONDS = 60;
    /** Readings up to this event second go in before the kill; the rest arrive while the job fails over. */
    static final int BEFORE_KILL = 25;
    static final Duration PATIENCE = Duration.ofMinutes(3);
    static final long STARTED = System.currentTimeMillis();

    @TempDir
    Path dir;

    @Test
    void aTaskManagerKilledMidLoadLosesNoReadingAndRepeatsNoAlert() throws Exception {
        assertThat(JOB_JAR).as("built by mvn package in flink-jobs").exists();
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - id: level-high
                    metric: water_level
                    threshold: {above: 4.0, warn: 3.6, clear: 3.8, for: 3s, clear_for: 5s}
                    severity: critical
                    summary: "Level high at {zone}"
                    description: "{device} reads {value} {unit}, limit {limit} {unit}"
                """);
        ClusterSettings settings = ClusterSettings.defaults(dir.resolve("flink")).withPorts(FreePorts.tcp(), FreePorts.tcp())
                .withTaskManagers(2, 2).withHeartbeatTimeout(Duration.ofSeconds(5));
        try (LocalStack stack = LocalStack.onFreePorts(dir.resolve("stack"), MQTT, INFLUX, KAFKA).start();
             FlinkCluster cluster = FlinkCluster.owned(settings).start();
             KafkaProducer<byte[], byte[]> producer = producer(stack)) {
            stack.kafka.createTopics(4, Topics.READINGS, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT);
            FlinkRest rest = cluster.rest();
            String jobId = rest.runJar(rest.uploadJar(JOB_JAR), ClusterJob.class.getName(), List.of(
                    "--kafka", stack.kafka.bootstrapServers(), "--influx-url", stack.influx.url(),
                    "--mqtt-url", stack.mosquitto.url(), "--rules", rules.toString(),
                    "--consumer-group", "vigil-cluster-it", "--checkpoint-interval", "1s",
                    "--out-of-orderness", "1s", "--influx-flush-interval", "200ms"), 2, Optional.empty());
            await().atMost(PATIENCE).until(() -> rest.allTasksRunning(jobId));
            Set<String> hosts = rest.taskManagersRunning(jobId);
            assertThat(hosts).as("the job's slots are spread over both TaskManagers").hasSize(2);

            try (KafkaConsumer<byte[], byte[]> alerts = alertConsumer(stack)) {
                Map<String, List<Alert>> byIncident = new LinkedHashMap<>();
                for (int s = 0; s < BEFORE_KILL; s++) {
                    sendSecond(producer, s);
                }
                producer.flush();
                // the ALARMs are committed with a checkpoint: the incidents are open in checkpointed state
                until("an ALARM per breaching device before the kill", PATIENCE,
                        () -> phases(poll(alerts, byIncident), Phase.ALARM) == breaching(),
                        () -> seen(byIncident, stack, rest, jobId));

                ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
                AtomicInteger next = new AtomicInteger(BEFORE_KILL);
                try {
                    load.scheduleAtFixedRate(() -> {
                        int s = next.getAndIncrement();
                        if (s < SECONDS) {
                            sendSecond(producer, s);
                            producer.flush();
                        }
                    }, 0, 200, TimeUnit.MILLISECONDS);
                    await().atMost(PATIENCE).until(() -> next.get() > BEFORE_KILL + 3);
                    String victim = "taskmanager-1";
                    ProcessHandle tm = ProcessHandle.of(cluster.pid(victim)).orElseThrow();
                    long killedAt = System.nanoTime();
                    assertThat(tm.destroyForcibly()).as("SIGKILL sent").isTrue();
                    await().atMost(Duration.ofSeconds(30)).until(() -> !tm.isAlive());

                    // back on the survivor, restored from a checkpoint, and checkpointing again
                    await().atMost(PATIENCE).until(() -> checkpointedSinceRestore(rest, jobId)
                            && rest.taskManagersRunning(jobId).equals(Set.of("taskmanager-2")));
                    LOG.info("{} killed; the job restored from a checkpoint on the survivor and completed a new one {} ms"
                            + " later", victim, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                    await().atMost(PATIENCE).until(() -> next.get() >= SECONDS);
                } finally {
                    load.shutdownNow();
                }

                int readings = DEVICES * SECONDS;
                until(readings + " readings in InfluxDB", PATIENCE, () -> count(stack, "readings") == readings,
                        () -> seen(byIncident, stack, rest, jobId));
                until("a CLOSED per breaching device", PATIENCE,
                        () -> phases(poll(alerts, byIncident), Phase.CLOSED) == breaching(),
                        () -> seen(byIncident, stack, rest, jobId));
                // a later checkpoint commits whatever a replay might still have emitted twice
                long seenAt = completedCheckpoints(rest, jobId);
                await().pollInSameThread().atMost(PATIENCE).until(() -> {
                    poll(alerts, byIncident);
                    return completedCheckpoints(rest, jobId) >= seenAt + 2;
                });
                poll(alerts, byIncident);

                assertThat(count(stack, "readings")).as("readings in InfluxDB").isEqualTo(readings);
                assertThat(byIncident).as("one incident per breaching device").hasSize(breaching());
                byIncident.forEach((incident, transitions) -> assertThat(transitions)
                        .as("transitions of %s", incident).extracting(Alert::phase)
                        .containsExactly(Phase.PRE_WARNING, Phase.ALARM, Phase.RECOVERING, Phase.CLOSED));
                assertThat(rest.jobState(jobId)).isEqualTo("RUNNING");
            }
        }
    }

    /** Every 4th device rises past the limit between seconds 10 and 30; the others stay low. */
    static double level(int device, int second) {
        if (device % 4 != 0 || second < 10 || second >= 30) {
            return 3.0;
        }
        return second < 13 ? 3.7 : 4.5;
    }

    static int breaching() {
        return DEVICES / 4;
    }

    static void sendSecond(KafkaProducer<byte[], byte[]> producer, int second) {
        long t = T0 + second * 1000L;
        for (int d = 0; d < DEVICES; d++) {
            String device = String.format("gauge-%02d", d);
            Reading r = new Reading(device, "delta", "river-north", "water_level", level(d, second), "m", t, t + 20,
                    Protocol.MQTT);
            producer.send(new ProducerRecord<>(Topics.READINGS, device.getBytes(StandardCharsets.UTF_8),
                    JsonSerde.readings().toBytes(r)));
        }
    }

    static Map<String, List<Alert>> poll(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<Alert>> byIncident)
            throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            Alert alert = JsonSerde.alerts().fromBytes(r.value());
            // Kafka's retention deletes records by their timestamp: one stamped with the alert's event time (T0 is
            // years ago) vanished at the broker's first retention check, 30 s after its start
            assertThat(r.timestamp()).as("record time of %s %s", alert.incidentId(), alert.phase())
                    .isGreaterThanOrEqualTo(STARTED);
            byIncident.computeIfAbsent(alert.incidentId(), id -> new ArrayList<>()).add(alert);
        }
        return byIncident;
    }

    /** Waits for {@code condition}; on a time-out the failure says what was seen, not only that time ran out. */
    static void until(String what, Duration patience, Callable<Boolean> condition, Callable<String> seen)
            throws Exception {
        try {
            await().alias(what).pollInSameThread().atMost(patience).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("waited " + patience + " for " + what + "; saw " + seen.call(), e);
        }
    }

    /** Alerts by phase, readings stored, the job's state and checkpoints: what a time-out message needs. */
    static String seen(Map<String, List<Alert>> byIncident, LocalStack stack, FlinkRest rest, String jobId) {
        StringBuilder b = new StringBuilder();
        for (Phase p : Phase.values()) {
            b.append(p).append('=').append(phases(byIncident, p)).append(' ');
        }
        try {
            b.append("alerts, ").append(count(stack, "readings")).append(" readings in InfluxDB, job ")
                    .append(rest.jobState(jobId)).append(", checkpoints ").append(rest.checkpoints(jobId).path("counts"));
        } catch (Exception e) {
            b.append("(job state unavailable: ").append(e).append(')');
        }
        return b.toString();
    }

    static long phases(Map<String, List<Alert>> byIncident, Phase phase) {
        return byIncident.values().stream().flatMap(List::stream).filter(a -> a.phase() == phase).count();
    }

    /** A checkpoint completed after the latest restore: every task runs again and state is being saved. */
    static boolean checkpointedSinceRestore(FlinkRest rest, String jobId) throws Exception {
        JsonNode latest = rest.checkpoints(jobId).path("latest");
        return latest.path("restored").hasNonNull("id")
                && latest.path("completed").path("id").asLong() > latest.path("restored").path("id").asLong();
    }

    static long completedCheckpoints(FlinkRest rest, String jobId) throws Exception {
        return rest.checkpoints(jobId).path("counts").path("completed").asLong();
    }

    static long count(LocalStack stack, String measurement) throws Exception {
        JsonNode answer = Json.mapper().readTree(stack.influx.query("vigil", "SELECT count(value) FROM " + measurement));
        JsonNode values = answer.path("results").path(0).path("series").path(0).path("values");
        return values.isEmpty() ? 0 : values.path(0).path(1).asLong();
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
        List<TopicPartition> partitions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            partitions.add(new TopicPartition(Topics.ALERTS, i));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}

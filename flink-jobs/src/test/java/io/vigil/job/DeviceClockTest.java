package io.vigil.job;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.serde.JsonSerde;
import io.vigil.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One device with a wrong clock, on the real job (Kafka in, alerts out): the other devices keep raising their
 * expected alerts on time and raise no false ones. Steady devices report every 500 ms on the wall clock; a
 * no-data rule would call them offline after 10 s of event time without a reading.
 */
@Tag("servers")
class DeviceClockTest {
    static final String RULES = """
            rules:
              - id: level-high
                metric: water_level
                threshold: {above: 4.0}
              - id: gauge-offline
                metric: water_level
                no_data: {expected_every: 2s, factor: 5}
            """;
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("stack"), MQTT, INFLUX, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aReadingStampedMinutesAheadSilencesNobodyAndRaisesNoFalseOfflineAlarm() throws Exception {
        run("ahead", (producer, now) -> send(producer, "gauge-ahead", now + Duration.ofMinutes(4).toMillis(), 3.0));
    }

    @Test
    void aDeviceWhoseClockJumpsBackChangesNothingForTheOthers() throws Exception {
        run("back", (producer, now) -> {
            send(producer, "gauge-back", now, 3.0);
            for (int i = 0; i < 10; i++) {
                send(producer, "gauge-back", now - Duration.ofMinutes(10).toMillis() + i * 500L, 4.5);
            }
        });
    }

    interface Fault {
        void inject(KafkaProducer<byte[], byte[]> producer, long now);
    }

    /**
     * Two steady devices report on the wall clock; one faulty device does its thing; then gauge-ok-1 rises past the
     * limit. Its ALARM must come within seconds, and neither steady device may be called offline.
     */
    void run(String name, Fault fault) throws Exception {
        Path rules = dir.resolve(name + "-rules.yaml");
        Files.writeString(rules, RULES);
        JobConfig config = StackJob.config(stack, dir.resolve(name + "-checkpoints"))
                .with(JobOptions.CONSUMER_GROUP, "vigil-clock-" + name)
                .with(JobOptions.RULES, rules);
        ScheduledExecutorService steady = Executors.newSingleThreadScheduledExecutor();
        AtomicBoolean high = new AtomicBoolean();
        try (JobHandle job = JobApplication.start(config);
             KafkaProducer<byte[], byte[]> producer = JobApplicationTest.producer(stack);
             KafkaConsumer<byte[], byte[]> alerts = JobApplicationTest.consumer(stack, Topics.ALERTS)) {
            job.awaitRunning(Duration.ofSeconds(60));
            List<Alert> seen = new ArrayList<>();
            int before = JobApplicationTest.poll(alerts, seen).size();
            long started = System.currentTimeMillis();
            steady.scheduleAtFixedRate(() -> {
                long now = System.currentTimeMillis();
                if (now - started < Duration.ofSeconds(40).toMillis()) { // bounded: 80 rounds at most
                    send(producer, "gauge-ok-1-" + name, now, high.get() ? 4.5 : 3.0);
                    send(producer, "gauge-ok-2-" + name, now, 3.0);
                    producer.flush();
                }
            }, 0, 500, TimeUnit.MILLISECONDS);

            // the scenario's pace: the fault after 2 s of steady readings, the rise 2 s after the fault
            await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() - started > 2_000);
            fault.inject(producer, System.currentTimeMillis());
            producer.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() - started > 4_000);
            long rose = System.currentTimeMillis();
            high.set(true);

            await().pollInSameThread().atMost(Duration.ofSeconds(20)).until(() -> JobApplicationTest.poll(alerts, seen)
                    .stream().anyMatch(a -> a.subject().equals("gauge-ok-1-" + name) && a.phase() == Phase.ALARM));
            Alert alarm = seen.stream().filter(a -> a.subject().equals("gauge-ok-1-" + name)).findFirst().orElseThrow();
            assertThat(alarm.ruleId()).isEqualTo("level-high");
            assertThat(alarm.eventTime()).as("judged at the first reading past the limit")
                    .isBetween(rose, rose + 1_000);

            // the steady devices keep reporting for 15 s of the job's time: longer than the 10 s no-data timeout
            // (the topic also holds the other test's devices, silent by now: their offline alarms are right)
            await().atMost(Duration.ofSeconds(30)).until(() -> System.currentTimeMillis() - rose > 15_000);
            JobApplicationTest.poll(alerts, seen);
            assertThat(seen.subList(before, seen.size())).as("no steady device is ever called offline")
                    .filteredOn(a -> a.ruleId().equals("gauge-offline") && a.subject().startsWith("gauge-ok")
                            && a.subject().endsWith("-" + name))
                    .isEmpty();
        } finally {
            steady.shutdownNow();
        }
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String device, long t, double value) {
        Reading r = new Reading(device, "delta", "river-north", "water_level", value, "m", t, t, Protocol.MQTT);
        producer.send(new ProducerRecord<>(Topics.READINGS, device.getBytes(StandardCharsets.UTF_8),
                JsonSerde.readings().toBytes(r)));
    }
}

package io.vigil.app.bench;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code vigil.alerts} during a phase as a subscriber would (read_committed), noting when each transition
 * became visible, then finds the reading behind each one, and behind each alert an {@link MqttAlertTail} saw, on
 * {@code vigil.readings} to learn its receive time.
 */
final class AlertTail implements AutoCloseable {
    private record Seen(Alert alert, long appendedAt, long visibleAt) {}
    private record OnMqtt(Alert alert, long arrivedAt) {}

    private final String bootstrap;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Seen> seen = new ArrayList<>();
    private final JsonSerde<Alert> alerts = JsonSerde.alerts();
    private int malformed;

    /** Starts reading vigil.alerts from its current end. */
    AlertTail(String bootstrap) {
        this.bootstrap = bootstrap;
        this.consumer = new KafkaConsumer<>(props(bootstrap, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS).stream()
                .map(i -> new TopicPartition(Topics.ALERTS, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixes the start now, not at the first poll
    }

    /** Polls once (the caller polls in a loop while the phase runs, so visibility times stay close). */
    void poll(Duration wait) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            long now = System.currentTimeMillis();
            try {
                Alert a = alerts.fromBytes(r.value());
                seen.add(new Seen(a, r.timestampType() == TimestampType.LOG_APPEND_TIME ? r.timestamp() : -1, now));
            } catch (Exception e) {
                malformed++;
            }
        }
    }

    int alertsSeen() {
        return seen.size();
    }

    /**
     * Latencies of the transitions seen so far, on vigil.alerts and among {@code onMqtt}, whose event time lies in
     * {@code [fromMillis, toMillis]}, looking up each causing reading between {@code readingsFrom} and the current
     * end of vigil.readings.
     */
    AlertLatency latency(long fromMillis, long toMillis, Map<TopicPartition, Long> readingsFrom,
                         List<MqttAlertTail.Arrival> onMqtt) {
        List<Seen> inPhase = seen.stream()
                .filter(s -> s.alert().eventTime() >= fromMillis && s.alert().eventTime() <= toMillis).toList();
        List<OnMqtt> mqttInPhase = new ArrayList<>();
        for (MqttAlertTail.Arrival a : onMqtt) {
            try {
                Alert alert = alerts.fromBytes(a.payload());
                if (alert.eventTime() >= fromMillis && alert.eventTime() <= toMillis) {
                    mqttInPhase.add(new OnMqtt(alert, a.arrivedAt()));
                }
            } catch (Exception e) {
                malformed++;
            }
        }
        Set<String> devices = new HashSet<>();
        inPhase.forEach(s -> devices.add(s.alert().subject()));
        mqttInPhase.forEach(s -> devices.add(s.alert().subject()));
        Map<String, Long> receiveTimes = receiveTimes(devices, readingsFrom);
        List<Long> appended = new ArrayList<>();
        List<Long> visible = new ArrayList<>();
        int matched = 0;
        for (Seen s : inPhase) {
            Long received = receiveTimes.get(s.alert().subject() + "@" + s.alert().eventTime());
            if (received == null) {
                continue;
            }
            matched++;
            if (s.appendedAt() >= 0) {
                appended.add(s.appendedAt() - received);
            }
            visible.add(s.visibleAt() - received);
        }
        List<Long> arrived = new ArrayList<>();
        for (OnMqtt m : mqttInPhase) {
            Long received = receiveTimes.get(m.alert().subject() + "@" + m.alert().eventTime());
            if (received != null) {
                arrived.add(m.arrivedAt() - received);
            }
        }
        return new AlertLatency(inPhase.size(), matched, AlertLatency.Percentiles.of(appended),
                AlertLatency.Percentiles.of(visible), mqttInPhase.size(), arrived.size(),
                AlertLatency.Percentiles.of(arrived));
    }

    /** deviceId@eventTime → receiveTime of the readings of {@code devices} from {@code from} to the end. */
    private Map<String, Long> receiveTimes(Set<String> devices, Map<TopicPartition, Long> from) {
        Map<String, Long> times = new HashMap<>();
        if (devices.isEmpty()) {
            return times;
        }
        JsonSerde<Reading> readings = JsonSerde.readings();
        try (KafkaConsumer<String, byte[]> scan = new KafkaConsumer<>(props(bootstrap, "read_uncommitted"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            scan.assign(from.keySet());
            from.forEach(scan::seek);
            Map<TopicPartition, Long> end = scan.endOffsets(from.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!reached(scan, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : scan.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && devices.contains(r.key())) { // key = device id: parse only what matters
                        try {
                            Reading reading = readings.fromBytes(r.value());
                            times.put(reading.deviceId() + "@" + reading.eventTime(), reading.receiveTime());
                        } catch (Exception e) {
                            // not a reading the gateway wrote; nothing to match against
                        }
                    }
                }
            }
        }
        return times;
    }

    private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    private static Properties props(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return p;
    }

    int malformed() {
        return malformed;
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package io.vigil.gateway;

import io.vigil.common.DeadLetter;
import io.vigil.common.Reading;
import io.vigil.common.serde.JsonSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads everything on the readings and dead-letter topics (one partition each) from the beginning, so tests can
 * assert what the gateway wrote. Call {@link #poll()} from an Awaitility condition (in the same thread).
 */
final class KafkaTopicsReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String readingsTopic;
    private final List<ConsumerRecord<String, Reading>> readings = new ArrayList<>();
    private final List<ConsumerRecord<String, DeadLetter>> deadLetters = new ArrayList<>();

    KafkaTopicsReader(String bootstrap, String readingsTopic, String deadLetterTopic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.readingsTopic = readingsTopic;
        List<TopicPartition> partitions = List.of(new TopicPartition(readingsTopic, 0),
                new TopicPartition(deadLetterTopic, 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    KafkaTopicsReader poll() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            try {
                if (r.topic().equals(readingsTopic)) {
                    readings.add(copy(r, JsonSerde.readings().fromBytes(r.value())));
                } else {
                    deadLetters.add(copy(r, JsonSerde.deadLetters().fromBytes(r.value())));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("not a canonical event on " + r.topic(), e);
            }
        }
        return this;
    }

    private static <T> ConsumerRecord<String, T> copy(ConsumerRecord<String, byte[]> r, T value) {
        return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value);
    }

    List<ConsumerRecord<String, Reading>> readings(Predicate<Reading> which) {
        return readings.stream().filter(r -> which.test(r.value())).toList();
    }

    List<Reading> readingsOf(String deviceId) {
        return readings(r -> r.deviceId().equals(deviceId)).stream().map(ConsumerRecord::value).toList();
    }

    List<ConsumerRecord<String, DeadLetter>> deadLetters(Predicate<DeadLetter> which) {
        return deadLetters.stream().filter(r -> which.test(r.value())).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

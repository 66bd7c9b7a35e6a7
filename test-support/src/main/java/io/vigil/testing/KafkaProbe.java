package io.vigil.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every partition of the given topics from the beginning, committed records only (the job writes alerts in
 * transactions), and keeps what it read, so a test can assert what a process wrote. Not thread-safe: call
 * {@link #poll()} from the test's thread, e.g. inside an Awaitility condition.
 */
public final class KafkaProbe implements AutoCloseable {
    /** Turns a record's value into a message; throwing marks the test failed. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(byte[] value) throws Exception;
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

    public KafkaProbe(String bootstrapServers, String... topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Fetches what arrived since the last poll (waiting up to 200 ms for the first of it). */
    public KafkaProbe poll() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            records.add(r);
        }
        return this;
    }

    /** Everything read so far, from every topic, in the order read. */
    public List<ConsumerRecord<String, byte[]>> records() {
        return List.copyOf(records);
    }

    /** Everything read so far from {@code topic}, in the order read. */
    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** The records of {@code topic} read so far, their values decoded, whose decoded value {@code which} accepts. */
    public <T> List<ConsumerRecord<String, T>> records(String topic, Decoder<T> decoder, Predicate<T> which) {
        List<ConsumerRecord<String, T>> decoded = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records(topic)) {
            T value;
            try {
                value = decoder.decode(r.value());
            } catch (Exception e) {
                throw new AssertionError("undecodable record at " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
            }
            if (which.test(value)) {
                decoded.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value));
            }
        }
        return decoded;
    }

    @Override
    public void close() {
        consumer.close();
    }
}

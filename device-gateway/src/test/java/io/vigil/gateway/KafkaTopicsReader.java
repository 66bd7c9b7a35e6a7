package io.vigil.gateway;

import io.vigil.common.DeadLetter;
import io.vigil.common.Reading;
import io.vigil.common.serde.JsonSerde;
import io.vigil.testing.KafkaProbe;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The gateway's two output topics through one {@link KafkaProbe}: readings and dead letters, decoded, so tests can
 * assert what the gateway wrote. Call {@link #poll()} from an Awaitility condition (in the same thread).
 */
final class KafkaTopicsReader implements AutoCloseable {
    private final KafkaProbe probe;
    private final String readingsTopic;
    private final String deadLetterTopic;

    KafkaTopicsReader(String bootstrap, String readingsTopic, String deadLetterTopic) {
        this.probe = new KafkaProbe(bootstrap, readingsTopic, deadLetterTopic);
        this.readingsTopic = readingsTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    KafkaTopicsReader poll() {
        probe.poll();
        return this;
    }

    List<ConsumerRecord<String, Reading>> readings(Predicate<Reading> which) {
        return probe.records(readingsTopic, JsonSerde.readings()::fromBytes, which);
    }

    List<Reading> readingsOf(String deviceId) {
        return readings(r -> r.deviceId().equals(deviceId)).stream().map(ConsumerRecord::value).toList();
    }

    List<ConsumerRecord<String, DeadLetter>> deadLetters(Predicate<DeadLetter> which) {
        return probe.records(deadLetterTopic, JsonSerde.deadLetters()::fromBytes, which);
    }

    @Override
    public void close() {
        probe.close();
    }
}

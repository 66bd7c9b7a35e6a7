package io.vigil.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Topics;
import io.vigil.common.serde.Json;
import io.vigil.stack.LocalStack;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Counts at each stage of the pipeline: records on a Kafka topic, reading points in InfluxDB. */
final class PipelineCounts implements AutoCloseable {
    private final LocalStack stack;
    private final String database;
    private final KafkaConsumer<byte[], byte[]> offsets;

    PipelineCounts(LocalStack stack, String database) {
        this.stack = stack;
        this.database = database;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.offsets = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The end offsets of every partition of {@code topic}: where the next phase's records begin. */
    Map<TopicPartition, Long> endOffsets(String topic) {
        List<TopicPartition> partitions = offsets.partitionsFor(topic).stream()
                .map((PartitionInfo i) -> new TopicPartition(topic, i.partition())).toList();
        return offsets.endOffsets(partitions);
    }

    /** Records on {@code topic} now, over all partitions. */
    long records(String topic) {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    long readings() {
        return records(Topics.READINGS);
    }

    long deadLetters() {
        return records(Topics.DEADLETTER);
    }

    /** Reading points in InfluxDB whose event time is in {@code [fromMillis, toMillis]}. */
    long storedReadings(long fromMillis, long toMillis) throws Exception {
        JsonNode answer = Json.mapper().readTree(stack.influx.query(database, "SELECT count(\"value\") FROM \"readings\""
                + " WHERE time >= " + fromMillis + "ms AND time <= " + toMillis + "ms"));
        JsonNode result = answer.path("results").path(0);
        if (result.has("error")) {
            throw new IllegalStateException("InfluxDB count failed: " + result.path("error").asText());
        }
        return result.path("series").path(0).path("values").path(0).path(1).asLong(0);
    }

    @Override
    public void close() {
        offsets.close();
    }
}

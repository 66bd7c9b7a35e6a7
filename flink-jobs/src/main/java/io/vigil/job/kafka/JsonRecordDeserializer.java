package io.vigil.job.kafka;

import io.vigil.common.Reading;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.serde.JsonSerde;
import java.io.IOException;
import java.io.Serializable;
import java.util.function.Predicate;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one canonical event type from a Kafka topic as JSON. A record that is not a valid event is skipped and
 * counted in a metric, never fatal: one bad record must not stop the job, and the gateway's dead-letter topic
 * already keeps rejected payloads.
 */
public final class JsonRecordDeserializer<T> implements KafkaRecordDeserializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonRecordDeserializer.class);

    private final JsonSerde<T> serde;
    private final Class<T> type;
    private final String badMetric;
    private final Complete<T> complete;
    private transient Counter bad;

    private JsonRecordDeserializer(JsonSerde<T> serde, Class<T> type, String badMetric, Complete<T> complete) {
        this.serde = serde;
        this.type = type;
        this.badMetric = badMetric;
        this.complete = complete;
    }

    /** {@code vigil.readings}; skipped records are counted in {@code badReadings}. */
    public static JsonRecordDeserializer<Reading> readings() {
        return new JsonRecordDeserializer<>(JsonSerde.readings(), Reading.class, "badReadings", r -> true);
    }

    /** {@code vigil.tagreads}; skipped records are counted in {@code badTagReads}. */
    public static JsonRecordDeserializer<io.vigil.common.rfid.TagRead> tagReads() {
        return new JsonRecordDeserializer<>(JsonSerde.tagReads(), io.vigil.common.rfid.TagRead.class, "badTagReads",
                r -> true);
    }

    /** {@code vigil.control}; a message without a type is skipped too, counted in {@code badControlMessages}. */
    public static JsonRecordDeserializer<ControlMessage> control() {
        return new JsonRecordDeserializer<>(JsonSerde.control(), ControlMessage.class, "badControlMessages",
                m -> m.type() != null);
    }

    /** Whether a parsed value has what the job needs; serializable because the schema ships to the task managers. */
    @FunctionalInterface
    interface Complete<T> extends Predicate<T>, Serializable {}

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        bad = context.getMetricGroup().counter(badMetric);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
        T value;
        try {
            value = record.value() == null ? null : serde.fromBytes(record.value());
        } catch (IOException | RuntimeException e) {
            skip(record, e.getMessage());
            return;
        }
        if (value == null) {
            skip(record, "empty record");
        } else if (!complete.test(value)) {
            skip(record, "required fields missing");
        } else {
            out.collect(value);
        }
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
        if (bad != null) {
            bad.inc();
        }
        LOG.warn("skipping record {}-{}@{}: not a {}: {}", record.topic(), record.partition(), record.offset(),
                type.getSimpleName(), why);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return TypeInformation.of(type);
    }
}

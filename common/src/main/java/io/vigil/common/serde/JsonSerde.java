package io.vigil.common.serde;

import io.vigil.common.Alert;
import io.vigil.common.DeadLetter;
import io.vigil.common.Reading;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a canonical event type, as JSON. JSON rather than a binary schema keeps the topics readable
 * with {@code kafka-console-consumer} for duty staff and debugging; the cost is small next to the network.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = type;
    }

    public static JsonSerde<Reading> readings() {
        return new JsonSerde<>(Reading.class);
    }

    public static JsonSerde<Alert> alerts() {
        return new JsonSerde<>(Alert.class);
    }

    public static JsonSerde<io.vigil.common.incident.ControlMessage> control() {
        return new JsonSerde<>(io.vigil.common.incident.ControlMessage.class);
    }

    public static JsonSerde<io.vigil.common.incident.AuditEvent> audit() {
        return new JsonSerde<>(io.vigil.common.incident.AuditEvent.class);
    }

    public static JsonSerde<io.vigil.common.rfid.TagRead> tagReads() {
        return new JsonSerde<>(io.vigil.common.rfid.TagRead.class);
    }

    public static JsonSerde<DeadLetter> deadLetters() {
        return new JsonSerde<>(DeadLetter.class);
    }

    public byte[] toBytes(T value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public T fromBytes(byte[] bytes) throws IOException {
        return Json.mapper().readValue(bytes, type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : toBytes(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return fromBytes(data);
        } catch (IOException e) {
            throw new SerializationException("not a " + type.getSimpleName() + " on " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
}

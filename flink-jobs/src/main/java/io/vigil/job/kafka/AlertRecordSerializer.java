package io.vigil.job.kafka;

import io.vigil.common.Alert;
import io.vigil.common.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Alerts as JSON keyed by incident id: every transition of one incident lands in one partition, in order, and a
 * transition re-sent after a restart carries the same key, phase and event time, so consumers can drop it.
 *
 * <p>The record carries no timestamp of its own, so Kafka stamps it when it is sent. Kafka's time-based retention
 * judges a record by its timestamp: stamped with the alert's event time, every alert about a reading older than the
 * topic's retention (a replay, a backlog, a device whose clock is behind) was deleted by the broker's next retention
 * check — within 30 s of a broker's start — and the system of record silently lost it. The event time is in the
 * alert itself.
 */
public final class AlertRecordSerializer implements KafkaRecordSerializationSchema<Alert> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final JsonSerde<Alert> serde = JsonSerde.alerts();

    public AlertRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert alert, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, alert.incidentId().getBytes(StandardCharsets.UTF_8),
                serde.toBytes(alert));
    }
}

package io.vigil.job.kafka;

import io.vigil.common.incident.AuditEvent;
import io.vigil.common.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Audit events as JSON keyed by their subject (incident id or rules source): one incident's history in order. Kafka
 * stamps the record when it is sent (see {@link AlertRecordSerializer}: a record stamped with a time older than the
 * topic's retention is deleted at the broker's next retention check); the event's own time is in the JSON.
 */
public final class AuditRecordSerializer implements KafkaRecordSerializationSchema<AuditEvent> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final JsonSerde<AuditEvent> serde = JsonSerde.audit();

    public AuditRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(AuditEvent event, KafkaSinkContext context, Long timestamp) {
        byte[] key = event.subject() == null ? null : event.subject().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, key, serde.toBytes(event));
    }
}

package io.vigil.job.kafka;

import io.vigil.common.Alert;
import io.vigil.common.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Alerts as JSON keyed by incident id: every transition of one incident lands in one partition, in order, and a
 * transition re-sent after a restart carries the same key, phase and event time, so consumers can drop it.
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
        return new ProducerRecord<>(topic, null, alert.eventTime(), alert.incidentId().getBytes(StandardCharsets.UTF_8),
                serde.toBytes(alert));
    }
}

package io.vigil.job.kafka;

import io.vigil.common.incident.ControlMessage;
import io.vigil.common.serde.JsonSerde;
import java.io.IOException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads {@code vigil.control}; a record that is not a control message is skipped and counted, never fatal. */
public final class ControlDeserializer implements KafkaRecordDeserializationSchema<ControlMessage> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ControlDeserializer.class);
    private final JsonSerde<ControlMessage> serde = JsonSerde.control();
    private transient Counter bad;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        bad = context.getMetricGroup().counter("badControlMessages");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlMessage> out) {
        ControlMessage message = null;
        String why = "empty record";
        try {
            message = record.value() == null ? null : serde.fromBytes(record.value());
        } catch (IOException | RuntimeException e) {
            why = e.getMessage();
        }
        if (message == null || message.type() == null) {
            if (bad != null) {
                bad.inc();
            }
            LOG.warn("skipping record {}-{}@{}: not a control message: {}", record.topic(), record.partition(),
                    record.offset(), message == null ? why : "no type");
            return;
        }
        out.collect(message);
    }

    @Override
    public TypeInformation<ControlMessage> getProducedType() {
        return TypeInformation.of(ControlMessage.class);
    }
}

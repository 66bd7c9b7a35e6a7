package io.vigil.job.kafka;

import io.vigil.common.Reading;
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

/**
 * Reads canonical readings from {@code vigil.readings}. A record that is not a valid reading is skipped and
 * counted ({@code badReadings}): one bad record must never stop the job, and the gateway's dead-letter topic
 * already keeps rejected payloads.
 */
public final class ReadingDeserializer implements KafkaRecordDeserializationSchema<Reading> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReadingDeserializer.class);
    private final JsonSerde<Reading> serde = JsonSerde.readings();
    private transient Counter bad;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        bad = context.getMetricGroup().counter("badReadings");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Reading> out) {
        Reading reading;
        try {
            reading = record.value() == null ? null : serde.fromBytes(record.value());
        } catch (IOException | RuntimeException e) {
            skip(record, e.getMessage());
            return;
        }
        if (reading == null) {
            skip(record, "empty record");
            return;
        }
        out.collect(reading);
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
        if (bad != null) {
            bad.inc();
        }
        LOG.warn("skipping record {}-{}@{}: not a reading: {}", record.topic(), record.partition(), record.offset(), why);
    }

    @Override
    public TypeInformation<Reading> getProducedType() {
        return TypeInformation.of(Reading.class);
    }
}

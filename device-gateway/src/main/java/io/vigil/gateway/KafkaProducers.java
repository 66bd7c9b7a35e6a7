package io.vigil.gateway;

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The gateway's one Kafka producer: values are serialised by {@link Ingest}, so readings and dead letters share it. */
final class KafkaProducers {
    static final int LINGER_MS = 5;

    private KafkaProducers() {}

    static Producer<String, byte[]> create(GatewayConfig config) {
        int ackTimeoutMs = Math.toIntExact(config.kafkaAckTimeout().toMillis());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.mqttClientIdPrefix());
        // a device is told "stored" only when every in-sync replica has the record, and retries cannot duplicate it
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        // bounded so a device (or the MQTT retry) hears about an unreachable Kafka within kafkaAckTimeout
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ackTimeoutMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ackTimeoutMs - LINGER_MS);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeoutMs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}

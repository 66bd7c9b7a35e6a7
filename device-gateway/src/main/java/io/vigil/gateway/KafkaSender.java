package io.vigil.gateway;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends one record on the gateway's producer and turns Kafka's callback into a future, counting failures. Readings,
 * dead letters and acknowledgements all go through it, so "stored" means the same thing for every path.
 */
public final class KafkaSender {
    private final Producer<String, byte[]> producer;
    private final GatewayMetrics metrics;

    public KafkaSender(Producer<String, byte[]> producer, GatewayMetrics metrics) {
        this.producer = producer;
        this.metrics = metrics;
    }

    /** Completes when Kafka acknowledged the record, exceptionally when it did not within the producer's timeouts. */
    public CompletableFuture<Void> send(String topic, String key, byte[] value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        long start = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                metrics.kafkaSend(topic, System.nanoTime() - start, error == null);
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() throws instead of calling back when it cannot even queue the record (metadata timeout, closed)
            metrics.kafkaSend(topic, System.nanoTime() - start, false);
            acked.completeExceptionally(e);
        }
        return acked;
    }
}

package io.vigil.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends one record on the gateway's producer and turns Kafka's callback into a future, counting failures. Readings,
 * dead letters and acknowledgements all go through it, so "stored" means the same thing for every path.
 *
 * <p>Kafka calls every record back on the producer's one I/O thread, and whatever hangs off the future ran there
 * too: admission bookkeeping, metrics and, above all, the device's MQTT acknowledgement through Paho. Profiled under
 * load that was half of the I/O thread's samples, time in which it sent and received nothing for any reading. So the
 * callback only hands the outcome over, in order, to {@link #OUTCOMES}.
 */
public final class KafkaSender {
    private static final Executor OUTCOMES = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-kafka-outcomes");
        t.setDaemon(true);
        return t;
    });

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
                long took = System.nanoTime() - start;
                OUTCOMES.execute(() -> {
                    metrics.kafkaSend(topic, took, error == null);
                    if (error == null) {
                        acked.complete(null);
                    } else {
                        acked.completeExceptionally(error);
                    }
                });
            });
        } catch (RuntimeException e) {
            // send() throws instead of calling back when it cannot even queue the record (metadata timeout, closed)
            metrics.kafkaSend(topic, System.nanoTime() - start, false);
            acked.completeExceptionally(e);
        }
        return acked;
    }
}

package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.StackFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What hangs off a stored record (the device's MQTT acknowledgement, admission bookkeeping) runs off Kafka's one I/O
 * thread, in the order Kafka answered, so a slow acknowledgement holds up no other record's trip to Kafka.
 */
@Tag("servers")
class KafkaSenderTest {
    private static final String TOPIC = "sender-test";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] VALUE = "{}".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(KAFKA);

    static String topic;

    @BeforeAll
    static void start() {
        servers.createTopics(1, TOPIC);
        topic = servers.topic(TOPIC);
    }

    /** Like the gateway's producer, but lingering long enough that a test attaches to a future before Kafka answers. */
    private static Producer<String, byte[]> producer(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    @Test
    void aSlowAcknowledgementDoesNotHoldUpKafkasIoThread() throws Exception {
        try (Producer<String, byte[]> producer = producer(1_000)) {
            KafkaSender sender = new KafkaSender(producer, new GatewayMetrics());
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> first = sender.send(topic, "device-1", VALUE);
            CompletableFuture<String> slowAckRanOn = first.thenApply(done -> {
                String thread = Thread.currentThread().getName();
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS); // e.g. Paho busy with its own lock
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return thread;
            });
            assertThat(first).as("attached before Kafka answered (the producer lingers 1 s)").isNotDone();
            // a record on the same batch, answered by Kafka's I/O thread itself
            CompletableFuture<RecordMetadata> second = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(topic, "device-2", VALUE), (metadata, error) -> {
                if (error == null) {
                    second.complete(metadata);
                } else {
                    second.completeExceptionally(error);
                }
            });
            try {
                assertThat(second).succeedsWithin(Duration.ofSeconds(10));
            } finally {
                release.countDown();
            }
            assertThat(slowAckRanOn).succeedsWithin(WAIT).asString().doesNotContain("kafka-producer-network-thread");
        }
    }

    @Test
    void outcomesArriveInTheOrderKafkaAnswered() throws Exception {
        try (Producer<String, byte[]> producer = producer(5)) {
            KafkaSender sender = new KafkaSender(producer, new GatewayMetrics());
            ConcurrentLinkedQueue<Integer> settled = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                sent.add(sender.send(topic, "device-1", VALUE).whenComplete((ok, failure) -> settled.add(n)));
            }
            assertThat(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
            assertThat(List.copyOf(settled)).hasSize(200).isSorted();
        }
    }

    @Test
    void aRecordKafkaCannotTakeFailsItsFuture() {
        Producer<String, byte[]> producer = producer(5);
        producer.close();
        KafkaSender sender = new KafkaSender(producer, new GatewayMetrics());
        assertThat(sender.send(topic, "device-1", VALUE)).failsWithin(WAIT);
    }
}

package io.vigil.app.deadletters;

import io.vigil.common.DeadLetter;
import io.vigil.common.serde.JsonSerde;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the gateway's dead letters back from Kafka without joining a consumer group (nothing is committed, so
 * reading never moves anybody's offsets): the latest ones of a time window, then, if asked, new ones as they come.
 */
public final class DeadLetterFeed implements AutoCloseable {
    /** A dead letter with where it sits on the topic; {@code letter} is null when the record is not a dead letter. */
    public record Entry(int partition, long offset, long timestamp, String key, DeadLetter letter, String unreadable) {}

    private static final Duration POLL = Duration.ofMillis(300);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final JsonSerde<DeadLetter> serde = JsonSerde.deadLetters();

    public DeadLetterFeed(String bootstrap, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
    }

    /**
     * The last {@code limit} matching dead letters stored since {@code sinceMs}, oldest first; leaves the feed at the
     * end of the topic for {@link #follow}. Empty when the topic does not exist (no gateway has run yet).
     */
    public List<Entry> latest(long sinceMs, int limit, Predicate<Entry> which) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(tp -> at.put(tp, sinceMs));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at);
        List<TopicPartition> open = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp start = starts.get(tp);
            consumer.seek(tp, start == null ? ends.get(tp) : start.offset());
            if (start != null && start.offset() < ends.get(tp)) {
                open.add(tp);
            }
        }
        // a bounded tail per partition: a week of a flooding device must not fill the memory of a terminal command
        ArrayDeque<Entry> kept = new ArrayDeque<>();
        while (!open.isEmpty()) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                Entry e = entry(r);
                if (which.test(e)) {
                    kept.addLast(e);
                    if (kept.size() > limit * 2L * partitions.size()) {
                        trim(kept, limit);
                    }
                }
            }
            open.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
        }
        trim(kept, limit);
        return List.copyOf(kept);
    }

    /** Hands every matching dead letter stored from now on to {@code each} until {@code more} says stop. */
    public void follow(Predicate<Entry> which, Consumer<Entry> each, BooleanSupplier more) {
        if (consumer.assignment().isEmpty()) {
            latest(System.currentTimeMillis(), 0, e -> false);
        }
        while (more.getAsBoolean()) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                Entry e = entry(r);
                if (which.test(e)) {
                    each.accept(e);
                }
            }
        }
    }

    private static void trim(ArrayDeque<Entry> kept, int limit) {
        List<Entry> sorted = new ArrayList<>(kept);
        sorted.sort(Comparator.comparingLong(Entry::timestamp).thenComparingInt(Entry::partition)
                .thenComparingLong(Entry::offset));
        kept.clear();
        kept.addAll(sorted.subList(Math.max(0, sorted.size() - limit), sorted.size()));
    }

    private Entry entry(ConsumerRecord<String, byte[]> r) {
        try {
            DeadLetter letter = r.value() == null ? null : serde.fromBytes(r.value());
            return new Entry(r.partition(), r.offset(), r.timestamp(), r.key(), letter,
                    letter == null ? "empty record" : null);
        } catch (IOException e) {
            return new Entry(r.partition(), r.offset(), r.timestamp(), r.key(), null,
                    "not a dead letter: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}

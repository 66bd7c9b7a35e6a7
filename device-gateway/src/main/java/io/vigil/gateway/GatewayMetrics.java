package io.vigil.gateway;

import io.vigil.common.RejectReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one gateway process, shared by both protocols. */
public final class GatewayMetrics {
    private final AtomicLong acceptedReadings = new AtomicLong();
    private final Map<RejectReason, AtomicLong> rejections = new EnumMap<>(RejectReason.class);
    private final AtomicLong kafkaErrors = new AtomicLong();

    public GatewayMetrics() {
        for (RejectReason r : RejectReason.values()) {
            rejections.put(r, new AtomicLong());
        }
    }

    /** Readings Kafka has acknowledged on the readings topic. */
    public long acceptedReadings() {
        return acceptedReadings.get();
    }

    /** Rejections with this reason (a SenML pack can add several), counted when decided. */
    public long rejections(RejectReason reason) {
        return rejections.get(reason).get();
    }

    public Map<RejectReason, Long> rejections() {
        Map<RejectReason, Long> snapshot = new EnumMap<>(RejectReason.class);
        rejections.forEach((reason, count) -> snapshot.put(reason, count.get()));
        return Collections.unmodifiableMap(snapshot);
    }

    /** Records Kafka did not acknowledge (readings and dead letters alike). */
    public long kafkaErrors() {
        return kafkaErrors.get();
    }

    void readingAccepted() {
        acceptedReadings.incrementAndGet();
    }

    void rejected(RejectReason reason) {
        rejections.get(reason).incrementAndGet();
    }

    void kafkaError() {
        kafkaErrors.incrementAndGet();
    }

    @Override
    public String toString() {
        Map<RejectReason, Long> nonZero = new EnumMap<>(RejectReason.class);
        rejections().forEach((reason, count) -> {
            if (count > 0) {
                nonZero.put(reason, count);
            }
        });
        return "accepted=" + acceptedReadings() + " rejections=" + nonZero + " kafkaErrors=" + kafkaErrors();
    }
}

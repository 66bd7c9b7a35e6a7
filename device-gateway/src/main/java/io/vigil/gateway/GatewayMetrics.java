package io.vigil.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one gateway process, shared by both protocols. The totals below are this process's lifetime counts;
 * the same events also go to a Micrometer {@link MeterRegistry} (InfluxDB in production, see docs/metrics.md).
 */
public final class GatewayMetrics {
    static final String READINGS = "vigil.gateway.readings";
    static final String REJECTIONS = "vigil.gateway.rejections";
    static final String KAFKA_SEND = "vigil.gateway.kafka.send";
    static final String KAFKA_ERRORS = "vigil.gateway.kafka.errors";
    static final String IN_FLIGHT_REPEATS = "vigil.gateway.inflight.repeats";
    static final String REDELIVERED_STORED = "vigil.gateway.redelivered.stored";

    private final MeterRegistry registry;
    private final AtomicLong acceptedReadings = new AtomicLong();
    private final Map<RejectReason, AtomicLong> rejections = new EnumMap<>(RejectReason.class);
    private final AtomicLong kafkaErrors = new AtomicLong();
    private final AtomicLong inFlightRepeats = new AtomicLong();
    private final Counter inFlightRepeatMeter;
    private final AtomicLong redeliveredStored = new AtomicLong();
    private final Counter redeliveredStoredMeter;
    private final Map<RejectReason, Counter> rejectionMeters = new EnumMap<>(RejectReason.class);
    private final Map<Protocol, Counter> readingMeters = new EnumMap<>(Protocol.class);
    private final Map<String, Timer> sendTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> errorMeters = new ConcurrentHashMap<>();

    /** Metrics kept in-process only. */
    public GatewayMetrics() {
        this(new SimpleMeterRegistry());
    }

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        inFlightRepeatMeter = Counter.builder(IN_FLIGHT_REPEATS)
                .description("payloads left unacknowledged: an earlier copy was still on its way to Kafka")
                .register(registry);
        redeliveredStoredMeter = Counter.builder(REDELIVERED_STORED)
                .description("readings the broker delivered again after a lost acknowledgement, already in Kafka")
                .register(registry);
        for (RejectReason r : RejectReason.values()) {
            rejections.put(r, new AtomicLong());
            // registered up front so a dashboard sees zero rather than no series at all
            rejectionMeters.put(r, Counter.builder(REJECTIONS).tag("reason", r.name())
                    .description("payloads or records refused, by reason").register(registry));
        }
        for (Protocol p : Protocol.values()) {
            readingMeters.put(p, Counter.builder(READINGS).tag("protocol", p.name())
                    .description("readings Kafka acknowledged, by the protocol they arrived over").register(registry));
        }
    }

    /** Registers the per-topic Kafka meters now, so they report zero before the first record. */
    void topics(String... topics) {
        for (String t : topics) {
            sendTimer(t);
            errorCounter(t);
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

    /** Payloads not acknowledged because an earlier copy of one of their readings was still on its way to Kafka. */
    public long inFlightRepeats() {
        return inFlightRepeats.get();
    }

    void inFlightRepeat() {
        inFlightRepeats.incrementAndGet();
        inFlightRepeatMeter.increment();
    }

    /**
     * Readings of a redelivered payload that Kafka already had: acknowledged without a dead letter, since the broker
     * only sent them again because the gateway's acknowledgement was lost (not the device repeating itself).
     */
    public long redeliveredStored() {
        return redeliveredStored.get();
    }

    void redeliveredStoredReading() {
        redeliveredStored.incrementAndGet();
        redeliveredStoredMeter.increment();
    }

    /** Records Kafka did not acknowledge (readings and dead letters alike). */
    public long kafkaErrors() {
        return kafkaErrors.get();
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    void readingAccepted(Protocol protocol) {
        acceptedReadings.incrementAndGet();
        readingMeters.get(protocol == null ? Protocol.UNKNOWN : protocol).increment();
    }

    void rejected(RejectReason reason) {
        rejections.get(reason).incrementAndGet();
        rejectionMeters.get(reason).increment();
    }

    /** One record's trip to Kafka, from send() to its acknowledgement or failure. */
    void kafkaSend(String topic, long nanos, boolean acknowledged) {
        sendTimer(topic).record(nanos, TimeUnit.NANOSECONDS);
        if (!acknowledged) {
            kafkaErrors.incrementAndGet();
            errorCounter(topic).increment();
        }
    }

    private Timer sendTimer(String topic) {
        return sendTimers.computeIfAbsent(topic, t -> Timer.builder(KAFKA_SEND).tag("topic", t)
                .description("time from send to Kafka's acknowledgement or failure").register(registry));
    }

    private Counter errorCounter(String topic) {
        return errorMeters.computeIfAbsent(topic, t -> Counter.builder(KAFKA_ERRORS).tag("topic", t)
                .description("records Kafka did not acknowledge").register(registry));
    }

    @Override
    public String toString() {
        Map<RejectReason, Long> nonZero = new EnumMap<>(RejectReason.class);
        rejections().forEach((reason, count) -> {
            if (count > 0) {
                nonZero.put(reason, count);
            }
        });
        return "accepted=" + acceptedReadings() + " rejections=" + nonZero + " kafkaErrors=" + kafkaErrors()
                + " inFlightRepeats=" + inFlightRepeats() + " redeliveredStored=" + redeliveredStored();
    }
}

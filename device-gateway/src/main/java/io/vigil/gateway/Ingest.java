package io.vigil.gateway;

import io.vigil.common.DeadLetter;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.codec.DecodeResult;
import io.vigil.common.codec.Payloads;
import io.vigil.common.serde.JsonSerde;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every payload takes, whatever the transport: size check, decode, then each reading to the readings
 * topic and each rejection to the dead-letter topic, both keyed by device id. The returned future completes only
 * when Kafka has acknowledged every record of the payload, so a transport acknowledges its device no earlier.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    /** {@link Payloads#decode} in production; a seam for tests that need a decoder to misbehave. */
    @FunctionalInterface
    public interface Decoder {
        DecodeResult decode(byte[] payload, String contentType, DecodeContext context);
    }

    private final KafkaSender sender;
    private final Decoder decoder;
    private final GatewayMetrics metrics;
    private final String readingsTopic;
    private final String deadLetterTopic;
    private final int maxPayloadBytes;
    private final Admission admission;
    private final StoreClock storeClock;
    private final RateLimitedLetters rateLimitedLetters = new RateLimitedLetters(System::nanoTime);
    private final JsonSerde<Reading> readings = JsonSerde.readings();
    private final JsonSerde<DeadLetter> deadLetters = JsonSerde.deadLetters();
    private volatile RejectionNotices notices = RejectionNotices.NONE;

    /** Open mode: no registry, but rate limit and reading checks from the config. */
    public Ingest(Producer<String, byte[]> producer, Decoder decoder, GatewayMetrics metrics, GatewayConfig config) {
        this(producer, decoder, metrics, config, new Admission(null, config.security()));
    }

    public Ingest(Producer<String, byte[]> producer, Decoder decoder, GatewayMetrics metrics, GatewayConfig config,
                  Admission admission) {
        this.admission = admission;
        this.sender = new KafkaSender(producer, metrics);
        this.decoder = decoder;
        this.metrics = metrics;
        this.readingsTopic = config.readingsTopic();
        this.deadLetterTopic = config.deadLetterTopic();
        this.maxPayloadBytes = config.maxPayloadBytes();
        this.storeClock = new StoreClock(StoreClock.slotOf(config.mqttClientIdPrefix()));
        metrics.topics(readingsTopic, deadLetterTopic);
    }

    /** Who else hears of each dead letter: the device itself, on its rejections topic. Set before traffic starts. */
    public void tellDevices(RejectionNotices notices) {
        this.notices = notices;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public CompletableFuture<IngestOutcome> ingest(Inbound in) {
        return ingest(in, this::decodeReadings, false, this::decodeOnly);
    }

    /**
     * What one decoder made of a payload, ready for Kafka: the serialised records for {@code topic} and the parts it
     * refused. Lets other event kinds (RFID tag reads) take the same path as readings.
     */
    public record Decoded(String topic, List<byte[]> records, List<Rejection> rejections, List<Settlement> settled) {
        /**
         * @param settled empty, or one per record, told whether Kafka took that record (so a retry of the payload is
         *                neither refused as a duplicate nor taken while the first attempt is still in flight)
         */
        public Decoded {
            records = List.copyOf(records);
            rejections = List.copyOf(rejections);
            settled = List.copyOf(settled);
            if (!settled.isEmpty() && settled.size() != records.size()) {
                throw new IllegalArgumentException("settled must be empty or one per record");
            }
        }

        public Decoded(String topic, List<byte[]> records, List<Rejection> rejections) {
            this(topic, records, rejections, List.of());
        }
    }

    /** What became of one record: Kafka took it, or not (then also when another record of its payload failed). */
    public interface Settlement {
        void stored();

        void notStored();
    }

    /**
     * The path of {@link #ingest(Inbound)} with another decoder; the same size check, dead-lettering and acks.
     *
     * @param personalData the payload may hold personal data (person tag ids): its dead letters keep reason and
     *                     detail but not the bytes
     */
    public CompletableFuture<IngestOutcome> ingest(
            Inbound received, java.util.function.Function<Inbound, Decoded> decode, boolean personalData) {
        return ingest(received, decode, personalData, in -> null);
    }

    /**
     * @param readingsOf the payload's readings, for the rate limit to tell the broker's backlog (see
     *                   {@link Admission#admit(Inbound, java.util.function.Supplier)}); null for other event kinds
     */
    private CompletableFuture<IngestOutcome> ingest(Inbound received,
            java.util.function.Function<Inbound, Decoded> decode, boolean personalData,
            java.util.function.Function<Inbound, DecodeResult> readingsOf) {
        Inbound in = received;
        Inbound kept = personalData ? received.withoutPayload() : received;
        if (in.deviceId() == null) {
            return reject(kept, Rejection.of(RejectReason.BAD_ADDRESS, "no device id in " + in.source()));
        }
        if (in.payload().length > maxPayloadBytes) {
            return reject(kept, Rejection.of(RejectReason.TOO_LARGE, "payload of " + in.payload().length
                    + " bytes exceeds the limit of " + maxPayloadBytes + " bytes"));
        }
        Rejection refused = admission.admit(in, () -> readingsOf.apply(received));
        if (refused != null) {
            return refused.reason() == RejectReason.RATE_LIMITED ? rateLimited(in, refused) : reject(kept, refused);
        }
        Decoded result;
        try {
            result = decode.apply(in);
        } catch (ReadingInFlight e) {
            metrics.inFlightRepeat();
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            // decoders promise not to throw; if one does, the payload is kept on the dead-letter topic, not lost
            LOG.error("decoder failed on a payload from {}", in.source(), e);
            result = new Decoded(readingsTopic, List.of(),
                    List.of(Rejection.of(RejectReason.MALFORMED, "decoder failed: " + e)));
        }
        List<CompletableFuture<?>> acks = new ArrayList<>(result.records().size() + result.rejections().size());
        for (int i = 0; i < result.records().size(); i++) {
            Settlement settlement = result.settled().isEmpty() ? null : result.settled().get(i);
            acks.add(send(result.topic(), in.deviceId(), result.records().get(i))
                    .whenComplete((ok, failure) -> {
                        if (settlement != null) {
                            if (failure == null) {
                                settlement.stored();
                            } else {
                                settlement.notStored();
                            }
                        }
                    })
                    .thenRun(() -> metrics.readingAccepted(in.protocol())));
        }
        for (Rejection rejection : result.rejections()) {
            acks.add(sendDeadLetter(kept, rejection, kept.payload()));
        }
        int accepted = result.records().size();
        List<Rejection> rejections = result.rejections();
        List<Settlement> settled = result.settled();
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        // the transport retries the whole payload: its stored readings go to Kafka again (a
                        // duplicate there is at-least-once) rather than to the dead-letter topic as DUPLICATE
                        settled.forEach(Settlement::notStored);
                    }
                })
                .thenApply(done -> new IngestOutcome(accepted, rejections));
    }

    /**
     * A device over its rate gets at most one dead letter a second, without payload bytes (a flood of 64 KiB payloads
     * must not become 64 KiB Kafka records), counting what was refused since the previous one: see
     * {@link RateLimitedLetters}. The others are answered at once.
     */
    private CompletableFuture<IngestOutcome> rateLimited(Inbound in, Rejection rejection) {
        long earlier = rateLimitedLetters.refused(in.deviceId());
        if (earlier < 0) {
            metrics.rejected(RejectReason.RATE_LIMITED);
            return CompletableFuture.completedFuture(new IngestOutcome(0, List.of(rejection)));
        }
        Rejection letter = earlier == 0 ? rejection : Rejection.of(RejectReason.RATE_LIMITED, rejection.detail()
                + "; and " + earlier + " more payloads refused since the previous RATE_LIMITED dead letter");
        return reject(in.withoutPayload(), letter);
    }

    /** For the rate limit's look at a payload soon after a broker connection; it is decoded again to be stored. */
    private DecodeResult decodeOnly(Inbound in) {
        try {
            return decoder.decode(in.payload(), in.contentType(), new DecodeContext(in.deviceId(), in.protocol(),
                    in.receivedAt()));
        } catch (RuntimeException e) {
            return null; // charged as usual; the decoding for storage dead-letters the payload
        }
    }

    private Decoded decodeReadings(Inbound in) {
        DecodeResult result = decoder.decode(in.payload(), in.contentType(),
                new DecodeContext(in.deviceId(), in.protocol(), in.receivedAt()));
        List<byte[]> records = new ArrayList<>(result.readings().size());
        List<Settlement> settled = new ArrayList<>(result.readings().size());
        List<Rejection> rejections = new ArrayList<>(result.rejections());
        List<Admission.Verdict> verdicts = admission.check(result);
        List<Reading> claimed = new ArrayList<>();
        int inFlight = 0;
        for (int i = 0; i < verdicts.size(); i++) {
            Reading reading = result.readings().get(i);
            Admission.Verdict verdict = verdicts.get(i);
            if (verdict.inFlight()) {
                inFlight++;
            } else if (verdict.rejection() == null) {
                claimed.add(reading);
                records.add(readings.toBytes(result.untimed(i) ? stamped(in, i, verdict.reading()) : verdict.reading()));
                settled.add(new Settlement() {
                    @Override
                    public void stored() {
                        admission.stored(reading);
                    }

                    @Override
                    public void notStored() {
                        admission.forget(reading);
                    }
                });
            } else if (in.redelivered() && verdict.rejection().reason() == RejectReason.DUPLICATE) {
                metrics.redeliveredStoredReading(); // Kafka has it: the broker sent it again because our PUBACK was lost
            } else {
                rejections.add(verdict.rejection());
            }
        }
        if (inFlight > 0) {
            claimed.forEach(admission::forget); // the retry of the whole payload claims them again
            throw new ReadingInFlight(inFlight + " reading(s) from '" + in.deviceId()
                    + "' are still on their way to Kafka from an earlier copy of this payload");
        }
        return new Decoded(readingsTopic, records, rejections, settled);
    }

    /**
     * A reading the decoder gave the receive time (it had no time of its own) is stored at a time unique to its
     * series, the same on every attempt of this arrival; see {@link StoreClock}. A reading with its own time is
     * stored under that time, even when it equals the receive millisecond: stamped, a redelivery after a gateway
     * crash (received in another millisecond) would be stored a second time.
     */
    private Reading stamped(Inbound in, int index, Reading r) {
        return r.storedAt(in.storeTimes().of(index, () -> storeClock.next(r.seriesKey(), r.receiveTime())));
    }

    /**
     * Dead-letters a whole payload without decoding it, for refusals the transport decides (bad address, unknown
     * content format). Oversize payloads keep only their first {@code maxPayloadBytes} bytes: enough to identify
     * the sender, and the record stays within Kafka's request size.
     */
    public CompletableFuture<IngestOutcome> reject(Inbound in, Rejection rejection) {
        byte[] kept = in.payload().length > maxPayloadBytes ? Arrays.copyOf(in.payload(), maxPayloadBytes) : in.payload();
        return sendDeadLetter(in, rejection, kept).thenApply(done -> new IngestOutcome(0, List.of(rejection)));
    }

    private CompletableFuture<Void> sendDeadLetter(Inbound in, Rejection rejection, byte[] payload) {
        metrics.rejected(rejection.reason());
        DeadLetter letter = new DeadLetter(in.protocol(), in.source(), in.deviceId(), rejection.reason(),
                rejection.detail(), in.contentType(), payload, in.receivedAt());
        notices.refused(in, rejection);
        return send(deadLetterTopic, in.deviceId(), deadLetters.toBytes(letter));
    }

    private CompletableFuture<Void> send(String topic, String key, byte[] value) {
        return sender.send(topic, key, value);
    }
}

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
import org.apache.kafka.clients.producer.ProducerRecord;
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

    private final Producer<String, byte[]> producer;
    private final Decoder decoder;
    private final GatewayMetrics metrics;
    private final String readingsTopic;
    private final String deadLetterTopic;
    private final int maxPayloadBytes;
    private final Admission admission;
    private final JsonSerde<Reading> readings = JsonSerde.readings();
    private final JsonSerde<DeadLetter> deadLetters = JsonSerde.deadLetters();

    /** Open mode: no registry, but rate limit and reading checks from the config. */
    public Ingest(Producer<String, byte[]> producer, Decoder decoder, GatewayMetrics metrics, GatewayConfig config) {
        this(producer, decoder, metrics, config, new Admission(null, config.security()));
    }

    public Ingest(Producer<String, byte[]> producer, Decoder decoder, GatewayMetrics metrics, GatewayConfig config,
                  Admission admission) {
        this.admission = admission;
        this.producer = producer;
        this.decoder = decoder;
        this.metrics = metrics;
        this.readingsTopic = config.readingsTopic();
        this.deadLetterTopic = config.deadLetterTopic();
        this.maxPayloadBytes = config.maxPayloadBytes();
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public CompletableFuture<IngestOutcome> ingest(Inbound in) {
        if (in.deviceId() == null) {
            return reject(in, Rejection.of(RejectReason.BAD_ADDRESS, "no device id in " + in.source()));
        }
        if (in.payload().length > maxPayloadBytes) {
            return reject(in, Rejection.of(RejectReason.TOO_LARGE, "payload of " + in.payload().length
                    + " bytes exceeds the limit of " + maxPayloadBytes + " bytes"));
        }
        Rejection refused = admission.admit(in);
        if (refused != null) {
            return reject(in, refused);
        }
        DecodeResult decoded = decode(in);
        List<Reading> accepted = new ArrayList<>(decoded.readings().size());
        List<Rejection> rejected = new ArrayList<>(decoded.rejections());
        for (Reading reading : decoded.readings()) {
            Admission.Verdict verdict = admission.check(reading);
            if (verdict.rejection() == null) {
                accepted.add(verdict.reading());
            } else {
                rejected.add(verdict.rejection());
            }
        }
        DecodeResult result = new DecodeResult(accepted, rejected);
        List<CompletableFuture<?>> acks = new ArrayList<>(result.readings().size() + result.rejections().size());
        for (Reading reading : result.readings()) {
            acks.add(send(readingsTopic, in.deviceId(), readings.toBytes(reading))
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            admission.forget(reading);
                        }
                    })
                    .thenRun(metrics::readingAccepted));
        }
        for (Rejection rejection : result.rejections()) {
            acks.add(sendDeadLetter(in, rejection, in.payload()));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .thenApply(done -> new IngestOutcome(result.readings().size(), result.rejections()));
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

    private DecodeResult decode(Inbound in) {
        try {
            return decoder.decode(in.payload(), in.contentType(),
                    new DecodeContext(in.deviceId(), in.protocol(), in.receivedAt()));
        } catch (RuntimeException e) {
            // decoders promise not to throw; if one does, the payload is kept on the dead-letter topic, not lost
            LOG.error("decoder failed on a payload from {}", in.source(), e);
            return DecodeResult.rejected(Rejection.of(RejectReason.MALFORMED, "decoder failed: " + e));
        }
    }

    private CompletableFuture<Void> sendDeadLetter(Inbound in, Rejection rejection, byte[] payload) {
        metrics.rejected(rejection.reason());
        DeadLetter letter = new DeadLetter(in.protocol(), in.source(), in.deviceId(), rejection.reason(),
                rejection.detail(), in.contentType(), payload, in.receivedAt());
        return send(deadLetterTopic, in.deviceId(), deadLetters.toBytes(letter));
    }

    private CompletableFuture<Void> send(String topic, String key, byte[] value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    metrics.kafkaError();
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() throws instead of calling back when it cannot even queue the record (metadata timeout, closed)
            metrics.kafkaError();
            acked.completeExceptionally(e);
        }
        return acked;
    }
}

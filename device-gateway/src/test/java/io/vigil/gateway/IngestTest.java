package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.DeadLetter;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.Topics;
import io.vigil.common.codec.DecodeResult;
import io.vigil.common.codec.Payloads;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.common.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The ingest core against a Kafka MockProducer whose acknowledgements the test hands out one by one. */
class IngestTest {
    private static final byte[] PAYLOAD = "{\"whatever\":1}".getBytes(StandardCharsets.UTF_8);

    private final MockProducer<String, byte[]> kafka =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final GatewayConfig config = GatewayConfig.defaults().withMaxPayloadBytes(100);

    private Ingest ingestDecodingTo(DecodeResult result) {
        return new Ingest(kafka, (payload, contentType, ctx) -> result, metrics, config);
    }

    private static Reading reading(String metric, double value) {
        return new Reading("dev-1", null, null, metric, value, "Cel", 1_000L, 2_000L, Protocol.MQTT);
    }

    private static Inbound inbound(byte[] payload) {
        return new Inbound(Protocol.MQTT, "vigil/readings/dev-1", "dev-1", "application/json", payload, 2_000L);
    }

    @Test
    void completesOnlyWhenKafkaAcknowledgedEveryReading() throws Exception {
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of(reading("temp", 21.5), reading("rh", 40))));

        CompletableFuture<IngestOutcome> stored = ingest.ingest(inbound(PAYLOAD));

        assertThat(kafka.history()).hasSize(2);
        kafka.completeNext();
        assertThat(stored).isNotDone();
        kafka.completeNext();
        assertThat(stored.get()).isEqualTo(new IngestOutcome(2, List.of()));
        assertThat(metrics.acceptedReadings()).isEqualTo(2);
        ProducerRecord<String, byte[]> first = kafka.history().get(0);
        assertThat(first.topic()).isEqualTo(Topics.READINGS);
        assertThat(first.key()).isEqualTo("dev-1");
        assertThat(JsonSerde.readings().fromBytes(first.value())).isEqualTo(reading("temp", 21.5));
    }

    @Test
    void kafkaErrorFailsTheFutureAndIsCounted() {
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of(reading("temp", 21.5), reading("rh", 40))));

        CompletableFuture<IngestOutcome> stored = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();
        kafka.errorNext(new TimeoutException("no ack in time"));

        assertThatThrownBy(stored::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(metrics.kafkaErrors()).isEqualTo(1);
        assertThat(metrics.acceptedReadings()).isEqualTo(1);
    }

    private static Reading numbered(long seq) {
        return new Reading("dev-1", null, null, "temp", 21.5, "Cel", 1_000L, 2_000L, Protocol.MQTT, seq);
    }

    private long deadLetters() {
        return kafka.history().stream().filter(r -> r.topic().equals(Topics.DEADLETTER)).count();
    }

    /** The broker redelivers after a reconnect while Kafka is slow: the copy must wait, not be a DUPLICATE. */
    @Test
    void aCopyArrivingWhileTheFirstIsStillInFlightIsNeitherAcceptedNorDeadLettered() throws Exception {
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of(numbered(1))));
        CompletableFuture<IngestOutcome> first = ingest.ingest(inbound(PAYLOAD));

        CompletableFuture<IngestOutcome> copy = ingest.ingest(inbound(PAYLOAD));

        assertThatThrownBy(copy::get).hasCauseInstanceOf(ReadingInFlight.class);
        assertThat(metrics.inFlightRepeats()).isEqualTo(1);
        assertThat(kafka.history()).as("nothing sent for the copy").hasSize(1);
        kafka.errorNext(new TimeoutException("Kafka is slow"));
        // Kafka's callback hands the outcome to the gateway's outcome thread: wait for it there
        assertThat(first).failsWithin(java.time.Duration.ofSeconds(10));

        CompletableFuture<IngestOutcome> retry = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();
        assertThat(retry.get()).as("the first copy failed: the retry is the one stored")
                .isEqualTo(new IngestOutcome(1, List.of()));
        assertThat(deadLetters()).isZero();
    }

    @Test
    void aRepeatOfAStoredReadingIsStillADuplicate() throws Exception {
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of(numbered(2))));
        CompletableFuture<IngestOutcome> first = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();
        assertThat(first.get().acceptedReadings()).isEqualTo(1);

        CompletableFuture<IngestOutcome> replay = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();

        assertThat(replay.get().rejections()).extracting(Rejection::reason).containsExactly(RejectReason.DUPLICATE);
    }

    /** The broker redelivers (DUP) a payload Kafka already took because the PUBACK was lost: no dead letter. */
    @Test
    void aRedeliveryOfAStoredReadingIsAcknowledgedWithoutADeadLetter() throws Exception {
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of(numbered(3))));
        CompletableFuture<IngestOutcome> first = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();
        assertThat(first.get().acceptedReadings()).isEqualTo(1);

        CompletableFuture<IngestOutcome> redelivery = ingest.ingest(inbound(PAYLOAD).withRedelivered(true));

        assertThat(redelivery).as("nothing to wait for: acknowledged at once").isCompleted();
        assertThat(redelivery.get().acceptedReadings()).isZero();
        assertThat(redelivery.get().rejections()).isEmpty();
        assertThat(kafka.history()).as("the reading once, no dead letter").hasSize(1);
        assertThat(metrics.redeliveredStored()).isEqualTo(1);
        assertThat(metrics.rejections().get(RejectReason.DUPLICATE)).isZero();
    }

    /** A pack whose second reading Kafka did not take is retried whole; its first must not become a DUPLICATE. */
    @Test
    void aPartlyStoredPayloadIsRetriedWholeWithoutDeadLetters() throws Exception {
        Reading level = new Reading("dev-1", null, null, "level", 3, "m", 1_000L, 2_000L, Protocol.MQTT, 5L);
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of(numbered(5), level)));
        CompletableFuture<IngestOutcome> first = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();
        kafka.errorNext(new TimeoutException("Kafka is slow"));
        // Kafka's callback hands the outcome to the gateway's outcome thread: wait for it there
        assertThat(first).failsWithin(java.time.Duration.ofSeconds(10));

        CompletableFuture<IngestOutcome> retry = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();
        kafka.completeNext();

        assertThat(retry.get()).isEqualTo(new IngestOutcome(2, List.of()));
        assertThat(deadLetters()).isZero();
    }

    @Test
    void readingsWithoutTimeOfOneSeriesGetDistinctStoreTimesThatARetryKeeps() throws Exception {
        // the decoder stamps the receive time (2_000) on readings without a time of their own
        Reading stamped = new Reading("dev-1", null, null, "temp", 1, "Cel", 2_000L, 2_000L, Protocol.MQTT);
        Ingest ingest = ingestDecodingTo(new DecodeResult(List.of(stamped, stamped, stamped), List.of(),
                java.util.Set.of(0, 1, 2)));
        Inbound in = inbound(PAYLOAD);

        CompletableFuture<IngestOutcome> first = ingest.ingest(in);
        kafka.completeNext();
        kafka.errorNext(new TimeoutException("Kafka is slow"));
        kafka.completeNext();
        assertThatThrownBy(first::get).isInstanceOf(ExecutionException.class);
        CompletableFuture<IngestOutcome> retry = ingest.ingest(in);
        for (int i = 0; i < 3; i++) {
            kafka.completeNext();
        }
        assertThat(retry.get().acceptedReadings()).isEqualTo(3);

        List<Long> times = new java.util.ArrayList<>();
        for (ProducerRecord<String, byte[]> r : kafka.history()) {
            times.add(JsonSerde.readings().fromBytes(r.value()).storeTimeNanos());
        }
        assertThat(times.subList(0, 3)).doesNotHaveDuplicates()
                .allSatisfy(t -> assertThat(t / 1_000_000).isEqualTo(2_000L));
        assertThat(times.subList(3, 6)).as("the retry stores each reading at its first time").isEqualTo(times.subList(0, 3));
        // a later arrival in the same millisecond does not meet them
        CompletableFuture<IngestOutcome> later = ingest.ingest(inbound(PAYLOAD));
        for (int i = 0; i < 3; i++) {
            kafka.completeNext();
        }
        later.get();
        for (ProducerRecord<String, byte[]> r : kafka.history().subList(6, 9)) {
            assertThat(times).doesNotContain(JsonSerde.readings().fromBytes(r.value()).storeTimeNanos());
        }
    }

    @Test
    void producerThatCannotQueueFailsTheFutureInsteadOfThrowing() {
        kafka.sendException = new TimeoutException("metadata not available");
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of(reading("temp", 21.5))));

        CompletableFuture<IngestOutcome> stored = ingest.ingest(inbound(PAYLOAD));

        assertThat(stored).isCompletedExceptionally();
        assertThat(metrics.kafkaErrors()).isEqualTo(1);
    }

    @Test
    void rejectionBecomesDeadLetterWithTheOriginalBytes() throws Exception {
        Ingest ingest = ingestDecodingTo(DecodeResult.rejected(Rejection.of(RejectReason.MISSING_FIELD, "no 'v'")));

        CompletableFuture<IngestOutcome> stored = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();

        assertThat(stored.get().refused()).isTrue();
        ProducerRecord<String, byte[]> record = kafka.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.DEADLETTER);
        assertThat(record.key()).isEqualTo("dev-1");
        DeadLetter letter = JsonSerde.deadLetters().fromBytes(record.value());
        assertThat(letter.payload()).isEqualTo(PAYLOAD);
        assertThat(letter.reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThat(letter.detail()).isEqualTo("no 'v'");
        assertThat(letter.source()).isEqualTo("vigil/readings/dev-1");
        assertThat(letter.deviceId()).isEqualTo("dev-1");
        assertThat(letter.protocol()).isEqualTo(Protocol.MQTT);
        assertThat(letter.contentType()).isEqualTo("application/json");
        assertThat(metrics.rejections(RejectReason.MISSING_FIELD)).isEqualTo(1);
    }

    @Test
    void partlyRejectedPackStoresGoodRecordsAndDeadLettersTheRest() throws Exception {
        Ingest ingest = ingestDecodingTo(new DecodeResult(List.of(reading("temp", 21.5)),
                List.of(Rejection.of(RejectReason.UNSUPPORTED_VALUE, "record 1: string value"))));

        CompletableFuture<IngestOutcome> stored = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();
        kafka.completeNext();

        IngestOutcome outcome = stored.get();
        assertThat(outcome.acceptedReadings()).isEqualTo(1);
        assertThat(outcome.refused()).isFalse();
        assertThat(kafka.history()).extracting(ProducerRecord::topic)
                .containsExactly(Topics.READINGS, Topics.DEADLETTER);
    }

    @Test
    void oversizePayloadIsDeadLetteredWithoutDecodingAndKeepsOnlyTheLimit() throws Exception {
        Ingest ingest = new Ingest(kafka, (payload, contentType, ctx) -> {
            throw new AssertionError("an oversize payload must not be decoded");
        }, metrics, config);
        byte[] big = new byte[150];
        big[0] = 'x';

        CompletableFuture<IngestOutcome> stored = ingest.ingest(inbound(big));
        kafka.completeNext();

        assertThat(stored.get().rejections()).extracting(Rejection::reason).containsExactly(RejectReason.TOO_LARGE);
        DeadLetter letter = JsonSerde.deadLetters().fromBytes(kafka.history().get(0).value());
        assertThat(letter.reason()).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(letter.detail()).contains("150 bytes").contains("100 bytes");
        assertThat(letter.payload()).hasSize(100).startsWith((byte) 'x');
    }

    @Test
    void decoderThatThrowsLosesNothing() throws Exception {
        Ingest ingest = new Ingest(kafka, (payload, contentType, ctx) -> {
            throw new IllegalStateException("decoder bug");
        }, metrics, config);

        CompletableFuture<IngestOutcome> stored = ingest.ingest(inbound(PAYLOAD));
        kafka.completeNext();

        assertThat(stored.get().rejections()).extracting(Rejection::reason).containsExactly(RejectReason.MALFORMED);
        assertThat(JsonSerde.deadLetters().fromBytes(kafka.history().get(0).value()).payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void realDecoderStampsTheTransportsDeviceAndProtocol() throws Exception {
        Ingest ingest = new Ingest(kafka, Payloads::decode, metrics, config);
        byte[] json = "{\"metric\":\"level\",\"value\":1.27,\"unit\":\"m\"}".getBytes(StandardCharsets.UTF_8);

        CompletableFuture<IngestOutcome> stored = ingest.ingest(
                new Inbound(Protocol.COAP, "/readings/gauge-7", "gauge-7", null, json, 5_000L));
        kafka.completeNext();

        assertThat(stored.get()).isEqualTo(new IngestOutcome(1, List.of()));
        Reading reading = JsonSerde.readings().fromBytes(kafka.history().get(0).value());
        assertThat(reading.deviceId()).isEqualTo("gauge-7");
        assertThat(reading.protocol()).isEqualTo(Protocol.COAP);
        assertThat(reading.metric()).isEqualTo("level");
        assertThat(reading.value()).isEqualTo(1.27);
        assertThat(reading.receiveTime()).isEqualTo(5_000L);
    }

    @Test
    void aReadingWhoseOwnTimeIsTheReceiveMillisecondIsStoredUnderItsOwnTimeOnEveryDelivery() throws Exception {
        // the device's stamp equals the gateway's receive millisecond by chance; a redelivery after a gateway crash
        // arrives in another millisecond, and must still land on the same point
        byte[] json = "{\"metric\":\"level\",\"value\":1.27,\"time\":5000}".getBytes(StandardCharsets.UTF_8);
        for (long receivedAt : new long[] {5_000L, 9_000L}) {
            Ingest ingest = new Ingest(kafka, Payloads::decode, metrics, config); // the gateway as restarted
            CompletableFuture<IngestOutcome> stored = ingest.ingest(
                    new Inbound(Protocol.MQTT, "vigil/readings/gauge-7", "gauge-7", null, json, receivedAt));
            kafka.completeNext();
            stored.get();
        }
        assertThat(kafka.history()).hasSize(2).allSatisfy(r -> assertThat(
                JsonSerde.readings().fromBytes(r.value()).storeTimeNanos()).isEqualTo(5_000L * 1_000_000));
    }

    @Test
    void payloadWithoutDeviceIsNeverDecoded() throws Exception {
        Ingest ingest = new Ingest(kafka, Payloads::decode, metrics, config);

        CompletableFuture<IngestOutcome> stored = ingest.ingest(
                new Inbound(Protocol.MQTT, "vigil/readings/", null, null, PAYLOAD, 5_000L));
        kafka.completeNext();

        assertThat(stored.get().rejections()).extracting(Rejection::reason).containsExactly(RejectReason.BAD_ADDRESS);
    }

    @Test
    void transportRefusalIsDeadLetteredWithoutDevice() throws Exception {
        Ingest ingest = ingestDecodingTo(DecodeResult.of(List.of()));
        Inbound in = new Inbound(Protocol.MQTT, "vigil/readings/", null, null, PAYLOAD, 2_000L);

        CompletableFuture<IngestOutcome> stored = ingest.reject(in, Rejection.of(RejectReason.BAD_ADDRESS, "no device"));
        kafka.completeNext();

        assertThat(stored.get().refused()).isTrue();
        ProducerRecord<String, byte[]> record = kafka.history().get(0);
        assertThat(record.key()).isNull();
        assertThat(JsonSerde.deadLetters().fromBytes(record.value()).reason()).isEqualTo(RejectReason.BAD_ADDRESS);
    }

    @Test
    void otherEventKindsFromUnregisteredSendersAreRefusedBeforeDecodingAndKeepNoBytes() throws Exception {
        RegisteredDevice reader = new RegisteredDevice("reader-1", "city", "gate", null, Secrets.mosquittoHash("p"),
                Secrets.newPskKey(), Set.of(), false);
        DeviceRegistry registry = new DeviceRegistry(List.of(reader), Map.of());
        Ingest ingest = new Ingest(kafka, Payloads::decode, metrics, config,
                new Admission(() -> registry, config.security()));
        AtomicInteger decoded = new AtomicInteger();
        Function<Inbound, Ingest.Decoded> tagDecoder = in -> {
            decoded.incrementAndGet();
            return new Ingest.Decoded(Topics.TAGREADS, List.of(in.payload()), List.of());
        };

        CompletableFuture<IngestOutcome> stranger = ingest.ingest(
                new Inbound(Protocol.MQTT, "vigil/tagreads/reader-9", "reader-9", null, PAYLOAD, 2_000L),
                tagDecoder, true);
        kafka.completeNext();
        CompletableFuture<IngestOutcome> registered = ingest.ingest(
                new Inbound(Protocol.MQTT, "vigil/tagreads/reader-1", "reader-1", null, PAYLOAD, 2_000L),
                tagDecoder, true);
        kafka.completeNext();

        assertThat(stranger.get().rejections()).extracting(Rejection::reason)
                .containsExactly(RejectReason.UNKNOWN_DEVICE);
        assertThat(JsonSerde.deadLetters().fromBytes(kafka.history().get(0).value()).payload()).isEmpty();
        assertThat(registered.get()).isEqualTo(new IngestOutcome(1, List.of()));
        assertThat(kafka.history().get(1).topic()).isEqualTo(Topics.TAGREADS);
        assertThat(decoded).hasValue(1);
    }
}

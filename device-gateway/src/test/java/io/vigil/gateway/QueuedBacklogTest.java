package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.common.rfid.TagPseudonyms;
import io.vigil.gateway.rfid.TagReadIngest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What the broker queued for the gateway's session while the gateway was away arrives at once when it is back; the
 * device sent it at its own pace, so it is stored, not refused as a flood. Live floods stay limited. The clock of
 * the rate limit stands still here: only the burst (200) is ever available, and within two minutes of the
 * connection the catch-up allowance (6,000).
 */
class QueuedBacklogTest {
    private static final long CONNECTED_AT = 1_764_300_000_000L;
    private static final int BURST = GatewaySecurity.defaults().rateBurst();
    private static final int QUEUED = BURST + 100;
    private static final byte[] PSEUDONYM_KEY = "queued-backlog-test-key-32-bytes".getBytes(StandardCharsets.UTF_8);
    private static final long CATCH_UP_ALLOWANCE = (long) (GatewaySecurity.defaults().ratePerSecond()
            * Admission.CATCH_UP.toSeconds());

    private final MockProducer<String, byte[]> kafka =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final GatewayConfig config = GatewayConfig.defaults();
    private final Ingest ingest = new Ingest(kafka, Payloads::decode, metrics, config,
            new Admission(null, config.security(), () -> 0L));

    /** A payload of gauge-7 as the MQTT route hands it over, delivered on a connection made at CONNECTED_AT. */
    private static Inbound delivered(String json, long receivedAt, boolean redelivered) {
        return new Inbound(Protocol.MQTT, "vigil/readings/gauge-7", "gauge-7", Payloads.JSON,
                json.getBytes(StandardCharsets.UTF_8), receivedAt, redelivered).withConnectedAt(CONNECTED_AT);
    }

    private static String timed(long seq, long time) {
        return "{\"metric\":\"level\",\"value\":" + seq + ",\"time\":" + time + "}";
    }

    /** Delivers {@code QUEUED} readings at once; returns how many were refused as RATE_LIMITED. */
    private long rateLimited(LongFunction<Inbound> reading) throws Exception {
        return rateLimited(QUEUED, reading);
    }

    /** Delivers {@code count} readings at once; returns how many were refused as RATE_LIMITED. */
    private long rateLimited(long count, LongFunction<Inbound> reading) throws Exception {
        long refused = 0;
        for (long seq = 0; seq < count; seq++) {
            IngestOutcome outcome = ingest.ingest(reading.apply(seq)).get();
            refused += outcome.rejections().stream().filter(r -> r.reason() == RejectReason.RATE_LIMITED).count();
        }
        return refused;
    }

    @Test
    void readingsTimedBeforeTheConnectionThatDeliversThemAtOnceAreAllStored() throws Exception {
        // published every 100 ms over the last 30 s the gateway was away
        long refused = rateLimited(seq -> delivered(timed(seq, CONNECTED_AT - 30_000 + seq * 100),
                CONNECTED_AT + 300, false));

        assertThat(refused).isZero();
        assertThat(metrics.acceptedReadings()).isEqualTo(QUEUED);
    }

    @Test
    void theBacklogLeavesTheBurstToTheLiveReadingsQueuedBehindIt() throws Exception {
        rateLimited(seq -> delivered(timed(seq, CONNECTED_AT - 30_000 + seq * 100), CONNECTED_AT + 300, false));
        // published while the broker was still delivering the backlog: they arrive right after it, at once
        long refused = 0;
        for (long seq = QUEUED; seq < QUEUED + BURST; seq++) {
            refused += ingest.ingest(delivered(timed(seq, CONNECTED_AT + 100 + seq), CONNECTED_AT + 400, false)).get()
                    .rejections().size();
        }

        assertThat(refused).isZero();
        assertThat(metrics.acceptedReadings()).isEqualTo(QUEUED + BURST);
    }

    @Test
    void theBrokersRedeliveriesAreNotChargedToTheDevice() throws Exception {
        long refused = rateLimited(seq -> delivered(timed(seq, CONNECTED_AT + seq), CONNECTED_AT + 300, true));

        assertThat(refused).isZero();
        assertThat(metrics.acceptedReadings()).isEqualTo(QUEUED);
    }

    @Test
    void liveReadingsBeyondTheBurstAndTheCatchUpAllowanceAreStillLimited() throws Exception {
        long count = BURST + CATCH_UP_ALLOWANCE + 100;
        long refused = rateLimited(count, seq -> delivered(timed(seq, CONNECTED_AT + 1 + seq), CONNECTED_AT + 300,
                false));

        assertThat(refused).isEqualTo(100);
    }

    @Test
    void theCatchUpAllowanceIsOncePerConnection() throws Exception {
        rateLimited(BURST + CATCH_UP_ALLOWANCE, seq -> delivered(untimed(seq), CONNECTED_AT + 300, false));

        assertThat(ingest.ingest(delivered(untimed(-1), CONNECTED_AT + 400, false)).get().rejections())
                .as("the same connection: spent").extracting(r -> r.reason()).containsExactly(RejectReason.RATE_LIMITED);
        Inbound afterReconnect = new Inbound(Protocol.MQTT, "vigil/readings/gauge-7", "gauge-7", Payloads.JSON,
                untimed(-2).getBytes(StandardCharsets.UTF_8), CONNECTED_AT + 60_000, false)
                .withConnectedAt(CONNECTED_AT + 50_000);
        assertThat(ingest.ingest(afterReconnect).get().rejections()).as("a new connection: a fresh allowance").isEmpty();
    }

    @Test
    void backDatedReadingsLongAfterTheConnectionAreLimitedAsAnyOther() throws Exception {
        long late = CONNECTED_AT + Admission.CATCH_UP.plus(Duration.ofSeconds(1)).toMillis();
        long refused = rateLimited(seq -> delivered(timed(seq, CONNECTED_AT - 30_000 + seq), late, false));

        assertThat(refused).isEqualTo(QUEUED - BURST);
    }

    @Test
    void aTimeLessBacklogIsStoredWithinTheCatchUpAllowance() throws Exception {
        // the README's mosquitto_pub line has no time: 1 reading a second over an hour's outage, delivered at once
        long queued = 3_600;
        long refused = rateLimited(queued, seq -> delivered(untimed(seq), CONNECTED_AT + 300, false));

        assertThat(refused).isZero();
        assertThat(metrics.acceptedReadings()).isEqualTo(queued);
    }

    private static String untimed(long seq) {
        return "{\"metric\":\"level\",\"value\":" + seq + "}";
    }

    @Test
    void aReadersTagReadBacklogGetsTheSameCatchUpAllowance() throws Exception {
        TagReadIngest tags = new TagReadIngest(ingest, null, new TagPseudonyms(PSEUDONYM_KEY), Topics.TAGREADS,
                config.security());
        long queued = BURST + 1_000; // a gate reader's 50 reads a second over 24 s of outage
        long refused = 0;
        for (long n = 0; n < queued; n++) {
            Inbound read = new Inbound(Protocol.MQTT, "vigil/tagreads/gate", "gate", Payloads.JSON,
                    ("[{\"tag\":\"VIS-" + n + "\"}]").getBytes(StandardCharsets.UTF_8), CONNECTED_AT + 300, false)
                    .withConnectedAt(CONNECTED_AT);
            refused += tags.store(read).get().rejections().stream()
                    .filter(r -> r.reason() == RejectReason.RATE_LIMITED).count();
        }

        assertThat(refused).isZero();
        assertThat(kafka.history()).filteredOn(r -> r.topic().equals(Topics.TAGREADS)).hasSize((int) queued);
    }
}

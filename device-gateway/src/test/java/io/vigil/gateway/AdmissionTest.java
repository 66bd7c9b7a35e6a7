package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.codec.DecodeResult;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MetricRange;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final long NOW = 1_764_300_000_000L;
    private final AtomicLong nanos = new AtomicLong();
    private final DeviceRegistry registry = new DeviceRegistry(List.of(
            device("gauge-1", Set.of(), false), device("gauge-2", Set.of("water_level"), false),
            device("old", Set.of(), true)),
            Map.of("water_level", new MetricRange(-5, 30)));
    private final GatewaySecurity security = GatewaySecurity.defaults().withRateLimit(2, 3)
            .withTimeWindow(Duration.ofMinutes(1), Duration.ofHours(1)).withDuplicateWindow(2);
    private final Admission admission = new Admission(() -> registry, security, nanos::get);

    private static RegisteredDevice device(String id, Set<String> metrics, boolean revoked) {
        return new RegisteredDevice(id, "city", "zone-" + id, null, Secrets.mosquittoHash("p"), Secrets.newPskKey(),
                metrics, revoked);
    }

    private static Inbound from(String device) {
        return new Inbound(Protocol.MQTT, "vigil/readings/" + device, device, null, new byte[1], NOW);
    }

    private static Reading reading(String device, String metric, double value, long time) {
        return new Reading(device, "spoofed-site", "spoofed-zone", metric, value, "m", time, NOW, Protocol.MQTT);
    }

    /** A reading with its own time. */
    private RejectReason reason(Reading r) {
        return reason(admission.check(r, false));
    }

    /** A reading the decoder gave the receive time, having none of its own. */
    private RejectReason untimedReason(Reading r) {
        return reason(admission.check(r, true));
    }

    private static RejectReason reason(Admission.Verdict v) {
        return v.rejection() == null ? null : v.rejection().reason();
    }

    @Test
    void refusesUnknownAndRevokedDevices() {
        assertThat(admission.admit(from("stranger")).reason()).isEqualTo(RejectReason.UNKNOWN_DEVICE);
        assertThat(admission.admit(from("old")).reason()).isEqualTo(RejectReason.DEVICE_REVOKED);
        assertThat(admission.admit(from("gauge-1"))).isNull();
    }

    @Test
    void tokenBucketAllowsTheBurstThenTheRate() {
        for (int i = 0; i < 3; i++) {
            assertThat(admission.admit(from("gauge-1"))).as("burst %d", i).isNull();
        }
        assertThat(admission.admit(from("gauge-1")).reason()).isEqualTo(RejectReason.RATE_LIMITED);
        assertThat(admission.admit(from("gauge-2"))).as("other devices keep their own bucket").isNull();
        nanos.addAndGet(500_000_000L); // half a second at 2/s refills one token
        assertThat(admission.admit(from("gauge-1"))).isNull();
        assertThat(admission.admit(from("gauge-1")).reason()).isEqualTo(RejectReason.RATE_LIMITED);
    }

    @Test
    void siteAndZoneComeFromTheRegistryNotThePayload() {
        Reading r = admission.check(reading("gauge-1", "temp", 20, NOW - 1), false).reading();
        assertThat(r.site()).isEqualTo("city");
        assertThat(r.zone()).isEqualTo("zone-gauge-1");
    }

    @Test
    void refusesWhatCannotBeTrue() {
        assertThat(reason(reading("gauge-2", "temp", 1, NOW - 1))).isEqualTo(RejectReason.METRIC_NOT_ALLOWED);
        assertThat(reason(reading("gauge-2", "water_level", 31, NOW - 1))).isEqualTo(RejectReason.OUT_OF_RANGE);
        assertThat(reason(reading("gauge-2", "water_level", Double.NaN, NOW - 1))).isEqualTo(RejectReason.OUT_OF_RANGE);
        assertThat(reason(reading("gauge-1", "temp", Double.POSITIVE_INFINITY, NOW - 1))).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(reason(reading("gauge-1", "temp", 1, NOW + 61_000))).isEqualTo(RejectReason.INVALID_TIME);
        assertThat(reason(reading("gauge-1", "temp", 1, NOW - 3_601_000))).isEqualTo(RejectReason.INVALID_TIME);
        assertThat(reason(reading("gauge-1", "gauge-2/water_level", 1, NOW - 1))).isEqualTo(RejectReason.DEVICE_MISMATCH);
        assertThat(reason(reading("gauge-1", "stranger/temp", 1, NOW - 2))).as("not a registered device").isNull();
        assertThat(reason(reading("gauge-2", "water_level", 29.9, NOW - 1))).isNull();
    }

    @Test
    void refusesDuplicatesWithinTheWindowUnlessKafkaRefusedTheFirst() {
        Reading r = reading("gauge-1", "temp", 20, NOW - 10);
        assertThat(reason(r)).isNull();
        assertThat(admission.check(r, false).inFlight()).as("the first copy is not stored yet").isTrue();
        admission.stored(r);
        assertThat(reason(r)).isEqualTo(RejectReason.DUPLICATE);
        admission.forget(r);
        assertThat(reason(r)).as("retry after a Kafka failure").isNull();
        admission.stored(r);
        assertThat(untimedReason(reading("gauge-1", "temp", 20, NOW))).as("no device time: not comparable").isNull();
        assertThat(untimedReason(reading("gauge-1", "temp", 20, NOW))).isNull();
        assertThat(reason(reading("gauge-1", "temp", 20, NOW - 11))).isNull();
        assertThat(reason(reading("gauge-1", "temp", 20, NOW - 12))).isNull();
        assertThat(reason(r)).as("window of 2 forgot the oldest").isNull();
    }

    @Test
    void aReadingWhoseOwnTimeIsTheReceiveMillisecondIsStillCheckedAsADuplicate() {
        Reading atReceive = reading("gauge-1", "temp", 20, NOW);
        assertThat(reason(atReceive)).isNull();
        admission.stored(atReceive);
        assertThat(reason(atReceive)).as("its own time, by chance the receive millisecond")
                .isEqualTo(RejectReason.DUPLICATE);
        assertThat(untimedReason(atReceive)).as("given the receive time: another reading in the same ms").isNull();
    }

    /** Numbered readings without their own time, so that only {@code seq} tells them apart. */
    private static Reading numbered(String device, String metric, long seq) {
        return new Reading(device, "s", "z", metric, 1, "m", NOW, NOW, Protocol.MQTT, seq);
    }

    /** The verdicts on one decoded payload of untimed readings. */
    private List<Admission.Verdict> checkUntimed(Reading... payload) {
        Set<Integer> all = IntStream.range(0, payload.length).boxed().collect(Collectors.toSet());
        return admission.check(new DecodeResult(List.of(payload), List.of(), all));
    }

    private List<RejectReason> reasons(Reading... payload) {
        return checkUntimed(payload).stream().map(AdmissionTest::reason).toList();
    }

    @Test
    void refusesASequenceNumberTheDeviceAlreadyUsedInAnEarlierPayload() {
        assertThat(reasons(numbered("gauge-1", "level", 7), numbered("gauge-1", "temp", 7)))
                .as("one payload may number all its readings alike").containsExactly(null, null);
        assertThat(checkUntimed(numbered("gauge-1", "level", 7))).extracting(Admission.Verdict::inFlight)
                .as("seq 7 is not stored yet").containsExactly(true);
        admission.stored(numbered("gauge-1", "level", 7));
        assertThat(reasons(numbered("gauge-1", "level", 7))).containsExactly(RejectReason.DUPLICATE);
        assertThat(reasons(numbered("gauge-1", "level", 8), numbered("gauge-1", "temp", 7)))
                .containsExactly(null, RejectReason.DUPLICATE);
        assertThat(reasons(numbered("gauge-2", "water_level", 7))).as("another device's counter").containsExactly((RejectReason) null);
        assertThat(reasons(new Reading("gauge-1", "s", "z", "level", 1, "m", NOW, NOW, Protocol.MQTT)))
                .as("no seq: not compared").containsExactly((RejectReason) null);
    }

    @Test
    void aSequenceNumberKafkaDidNotTakeMayComeAgainAndOldOnesFallOutOfTheWindow() {
        Reading first = numbered("gauge-1", "level", 1);
        assertThat(reasons(first)).containsExactly((RejectReason) null);
        admission.forget(first);
        assertThat(reasons(first)).as("retry after a Kafka failure").containsExactly((RejectReason) null);
        admission.stored(first);
        for (long seq = 2; seq <= Admission.SEQUENCE_WINDOW; seq++) {
            assertThat(reasons(numbered("gauge-1", "level", seq))).containsExactly((RejectReason) null);
        }
        assertThat(reasons(first)).as("still within the last %d", Admission.SEQUENCE_WINDOW)
                .containsExactly(RejectReason.DUPLICATE);
        assertThat(reasons(numbered("gauge-1", "level", Admission.SEQUENCE_WINDOW + 1))).containsExactly((RejectReason) null);
        assertThat(reasons(first)).as("a restarted counter is accepted once its numbers left the window")
                .containsExactly((RejectReason) null);
    }

    @Test
    void openModeAcceptsAnyDeviceButStillChecksReadings() {
        Admission open = new Admission(null, security, nanos::get);
        assertThat(open.admit(from("anyone"))).isNull();
        Reading r = reading("anyone", "temp", 1, NOW - 1);
        assertThat(open.check(r, false).reading()).isEqualTo(r);
        assertThat(open.check(reading("anyone", "temp", 1, NOW + 3_600_000), false).rejection().reason())
                .isEqualTo(RejectReason.INVALID_TIME);
    }
}

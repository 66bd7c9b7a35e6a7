package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.sim.GroundTruthScenario.Kind;
import io.vigil.sim.GroundTruthScenario.Truth;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every scenario's truth agrees with its signal, and the signal with its truth, on several seeds. */
class GroundTruthScenarioTest {
    private static final long SECOND = 1000;

    @ParameterizedTest
    @ValueSource(strings = {"flood", "fire", "gas-leak", "air-quality", "frozen-sensor", "silent-device", "quiet"})
    void crossingsAreTrueAndNothingElseReachesTheWarnLevel(String name) {
        for (long seed = 1; seed <= 3; seed++) {
            GroundTruthScenario s = GroundTruthScenario.create(name, seed, 1.0);
            for (Truth t : s.truth()) {
                if (t.kind() != Kind.CROSSING) {
                    continue;
                }
                long from = t.from().toMillis();
                long until = t.until().toMillis();
                assertThat(until).isGreaterThan(from);
                assertThat(s.expected(t.device(), from)).isGreaterThanOrEqualTo(t.limit());
                assertThat(s.expected(t.device(), from - SECOND)).as("not crossed a second earlier").isLessThan(t.limit());
                assertThat(s.expected(t.device(), (from + until) / 2)).isGreaterThanOrEqualTo(t.limit());
                assertThat(s.expected(t.device(), until - SECOND)).as("still crossed just before safe")
                        .isGreaterThanOrEqualTo(t.limit());
                assertThat(s.expected(t.device(), until)).as("safe again").isLessThan(t.limit());
            }
            Set<Integer> crossing = new HashSet<>();
            s.truth().stream().filter(t -> t.kind() == Kind.CROSSING).forEach(t -> crossing.add(t.device()));
            for (int d = 0; d < s.devices(); d++) {
                if (crossing.contains(d)) {
                    continue;
                }
                double warn = s.sensor(d).warn();
                for (long t = 0; t <= s.length().toMillis(); t += s.interval().toMillis()) {
                    assertThat(s.measure(d, t).value()).as("%s device %d at %d ms", name, d, t).isLessThan(warn);
                }
            }
        }
    }

    @Test
    void floodTwoOfFourGaugesCrossOnceAtSpeedsThatVaryWithTheSeed() {
        GroundTruthScenario a = GroundTruthScenario.create("flood", 1, 1.0);
        GroundTruthScenario b = GroundTruthScenario.create("flood", 2, 1.0);
        assertThat(a.truth()).extracting(Truth::device).containsExactly(0, 1);
        assertThat(a.truth()).allMatch(t -> t.metric().equals("water_level") && t.limit() == 4.0);
        assertThat(a.truth().get(0).from()).isNotEqualTo(b.truth().get(0).from());
        // lead available between the warn level and the limit differs with the rise speed
        assertThat(riseFromWarn(a, 0)).isNotEqualTo(riseFromWarn(a, 1));
    }

    @Test
    void fireSmokeCrossesBeforeTemperatureAtTheBurningStationOnly() {
        GroundTruthScenario s = GroundTruthScenario.create("fire", 7, 1.0);
        List<Truth> truth = s.truth();
        assertThat(truth).extracting(Truth::device, Truth::metric)
                .containsExactly(tuple(0, "temperature"),
                        tuple(1, "smoke"));
        assertThat(truth.get(1).from()).isLessThan(truth.get(0).from());
        assertThat(s.zone(0)).isEqualTo(s.zone(1)).isNotEqualTo(s.zone(2));
    }

    @Test
    void gasLeakAndAirQualityCrossOnTheirDevices() {
        assertThat(GroundTruthScenario.create("gas-leak", 3, 1.0).truth())
                .extracting(Truth::device, Truth::metric).containsExactly(tuple(0, "co"));
        assertThat(GroundTruthScenario.create("air-quality", 3, 1.0).truth()).extracting(Truth::device)
                .containsExactly(0, 1);
    }

    @Test
    void aFrozenSensorRepeatsOneValueExactlyForItsTrueInterval() {
        GroundTruthScenario s = GroundTruthScenario.create("frozen-sensor", 5, 1.0);
        Truth frozen = s.truth().stream().filter(t -> t.kind() == Kind.FROZEN).findFirst().orElseThrow();
        long step = s.interval().toMillis();
        Set<Double> during = new HashSet<>();
        Set<Double> before = new HashSet<>();
        for (long t = 0; t < s.length().toMillis(); t += step) {
            double v = s.measure(0, t).value();
            if (t >= frozen.from().toMillis() && t < frozen.until().toMillis()) {
                during.add(v);
            } else if (t < frozen.from().toMillis()) {
                before.add(v);
            }
        }
        assertThat(during).hasSize(1);
        assertThat(before).hasSizeGreaterThan(10);
        assertThat(s.measure(1, frozen.from().toMillis())).isNotEqualTo(s.measure(1, frozen.from().toMillis() + step));
    }

    @Test
    void aSilentDeviceSendsNothingForItsTrueInterval() {
        GroundTruthScenario s = GroundTruthScenario.create("silent-device", 5, 1.0);
        Truth silent = s.truth().stream().filter(t -> t.kind() == Kind.SILENT).findFirst().orElseThrow();
        assertThat(silent.until()).isGreaterThan(silent.from().plusHours(1));
        assertThat(s.reports(0, silent.from().toMillis() - 1)).isTrue();
        assertThat(s.reports(0, silent.from().toMillis())).isFalse();
        assertThat(s.reports(0, silent.until().toMillis() - 1)).isFalse();
        assertThat(s.reports(0, silent.until().toMillis())).isTrue();
        assertThat(s.reports(1, silent.from().toMillis())).isTrue();
    }

    @Test
    void quietHasNoTruthAndTheTimeScaleShrinksTheRun() {
        assertThat(GroundTruthScenario.create("quiet", 9, 1.0).truth()).isEmpty();
        GroundTruthScenario fast = GroundTruthScenario.create("flood", 1, 3600);
        GroundTruthScenario slow = GroundTruthScenario.create("flood", 1, 1);
        assertThat(fast.length()).isEqualTo(Duration.ofSeconds(24));
        assertThat(fast.truth().get(0).from().toMillis())
                .isCloseTo(slow.truth().get(0).from().toMillis() / 3600, within(2L));
        assertThat(GroundTruthScenario.create("flood", 4, 1).measure(2, 123_000))
                .isEqualTo(GroundTruthScenario.create("flood", 4, 1).measure(2, 123_000));
        assertThatThrownBy(() -> GroundTruthScenario.create("volcano", 1, 1)).hasMessageContaining("quiet");
    }

    private static long riseFromWarn(GroundTruthScenario s, int device) {
        double warn = s.sensor(device).warn();
        long t = 0;
        while (s.expected(device, t) < warn) {
            t += SECOND;
        }
        return s.truth().stream().filter(x -> x.device() == device).findFirst().orElseThrow().from().toMillis() - t;
    }
}

package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo scenario is reproducible and its flood gauge does what the demo rule needs, and nothing else alarms. */
class RiverFloodScenarioTest {
    private static final int DEVICES = 10;
    private static final long STEP_MS = 50;
    private static final long RUN_MS = 150_000;

    @Test
    void sameSeedGivesSameValuesAndAnotherSeedDifferentNoise() {
        RiverFloodScenario a = new RiverFloodScenario(42, 1.0);
        RiverFloodScenario b = new RiverFloodScenario(42, 1.0);
        RiverFloodScenario other = new RiverFloodScenario(43, 1.0);
        int differing = 0;
        for (int device = 0; device < DEVICES; device++) {
            for (long t = 0; t < RUN_MS; t += 997) {
                assertThat(b.measure(device, t)).isEqualTo(a.measure(device, t));
                if (other.measure(device, t).value() != a.measure(device, t).value()) {
                    differing++;
                }
            }
        }
        assertThat(differing).as("readings that change with the seed").isGreaterThan(DEVICES * 100);
    }

    @Test
    void devicesAreGaugesInTheCityWithTheFloodGaugeOnTheRiverside() {
        RiverFloodScenario scenario = new RiverFloodScenario(42, 1.0);
        assertThat(scenario.zone(RiverFloodScenario.FLOOD_GAUGE)).isEqualTo("riverside");
        assertThat(scenario.zone(1)).isEqualTo("harbour");
        assertThat(scenario.zone(2)).isEqualTo("old-town");
        assertThat(scenario.site(7)).isEqualTo("city");
        Measurement m = scenario.measure(3, 1234);
        assertThat(m.metric()).isEqualTo("water_level");
        assertThat(m.unit()).isEqualTo("m");
        assertThat(m.value()).isCloseTo(3.0, within(0.25));
    }

    @Test
    void otherGaugesStayBelowThePreWarningLevel() {
        RiverFloodScenario scenario = new RiverFloodScenario(42, 1.0);
        for (int device = 1; device < DEVICES; device++) {
            for (long t = 0; t < RUN_MS; t += STEP_MS) {
                assertThat(scenario.measure(device, t).value()).as("gauge %d at %d ms", device, t)
                        .isLessThan(RiverFloodScenario.PRE_WARNING_LEVEL);
            }
        }
    }

    @Test
    void floodGaugeCrossesTheLevelsOfTheDemoRuleInOrderWithinTwoMinutes() {
        RiverFloodScenario scenario = new RiverFloodScenario(42, 1.0);
        var warn = scenario.expectedCrossing(RiverFloodScenario.PRE_WARNING_LEVEL);
        var alarm = scenario.expectedAlarm();
        var clear = scenario.expectedCrossing(RiverFloodScenario.CLEAR_LEVEL);

        assertThat(warn.rises()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(40));
        assertThat(alarm.rises()).isGreaterThan(warn.rises()).isLessThan(Duration.ofSeconds(40));
        assertThat(alarm.above()).isBetween(Duration.ofSeconds(35), Duration.ofSeconds(45));
        assertThat(clear.falls()).isGreaterThan(alarm.falls());
        // The demo rule: for 5 s above 4.0 raises the alarm, 10 s below 3.5 closes it, all within two minutes.
        assertThat(alarm.rises().minus(warn.rises())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(clear.falls().plusSeconds(10)).isLessThan(Duration.ofSeconds(100));

        double peak = 0;
        for (long t = 0; t < RUN_MS; t += STEP_MS) {
            peak = Math.max(peak, scenario.measure(0, t).value());
        }
        assertThat(peak).isCloseTo(4.6, within(0.1));
    }

    @Test
    void noisyReadingsAgreeWithTheGroundTruthAwayFromTheCrossings() {
        RiverFloodScenario scenario = new RiverFloodScenario(7, 1.0);
        assertFollowsGroundTruth(scenario, 500);
    }

    @Test
    void timeScaleReplaysTheSameWaveFaster() {
        RiverFloodScenario normal = new RiverFloodScenario(42, 1.0);
        RiverFloodScenario fast = new RiverFloodScenario(42, 10.0);
        var slowAlarm = normal.expectedAlarm();
        var fastAlarm = fast.expectedAlarm();
        assertThat(fastAlarm.rises().toMillis()).isCloseTo(slowAlarm.rises().toMillis() / 10, within(5L));
        assertThat(fastAlarm.falls().toMillis()).isCloseTo(slowAlarm.falls().toMillis() / 10, within(5L));
        assertThat(fast.waveEnd()).isEqualTo(Duration.ofSeconds(8));
        assertFollowsGroundTruth(fast, 50);
    }

    @Test
    void refusesATimeScaleThatIsNotPositive() {
        assertThatThrownBy(() -> new RiverFloodScenario(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeScale");
        assertThatThrownBy(() -> Scenarios.create("earthquake", 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("river-flood");
    }

    /** Above the alarm limit exactly while the ground truth says so, except within {@code marginMs} of a crossing. */
    private static void assertFollowsGroundTruth(RiverFloodScenario scenario, long marginMs) {
        var alarm = scenario.expectedAlarm();
        long rises = alarm.rises().toMillis();
        long falls = alarm.falls().toMillis();
        long end = scenario.waveEnd().toMillis() * 2;
        int checked = 0;
        for (long t = 0; t < end; t += Math.max(1, marginMs / 10)) {
            boolean nearCrossing = Math.abs(t - rises) < marginMs || Math.abs(t - falls) < marginMs;
            if (!nearCrossing) {
                boolean expectedAbove = t >= rises && t < falls;
                assertThat(scenario.measure(0, t).value() >= RiverFloodScenario.ALARM_LIMIT)
                        .as("flood gauge above 4.0 at %d ms", t).isEqualTo(expectedAbove);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }
}

package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Reading;
import io.vigil.sim.GroundTruthRun.Event;
import io.vigil.sim.GroundTruthScenario.Kind;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundTruthRunTest {
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    @Test
    void readingsAreInEventTimeOrderWithOneSeriesPerDeviceOfTheDay() {
        GroundTruthRun run = new GroundTruthRun("flood", 4, 2, T0);
        List<Reading> readings = run.readings();
        assertThat(readings).hasSize(4 * 1440).isSortedAccordingTo(Comparator.comparingLong(Reading::eventTime));
        assertThat(readings.get(0).eventTime()).isEqualTo(T0);
        assertThat(readings).extracting(Reading::deviceId).containsOnly("flood-d2-0", "flood-d2-1", "flood-d2-2", "flood-d2-3");
        assertThat(run.deviceDays()).isEqualTo(4.0);
        // day 2 is the scenario with seed 4 + 2
        assertThat(readings.get(5).value()).isEqualTo(GroundTruthScenario.create("flood", 6, 1).measure(1, 60_000).value());
        assertThat(run.truth()).extracting(Event::device).containsExactly("flood-d2-0", "flood-d2-1");
        Event first = run.truth().get(0);
        assertThat(first.from()).isEqualTo(T0 + GroundTruthScenario.create("flood", 6, 1).truth().get(0).from().toMillis());
    }

    @Test
    void aSilentDeviceHasNoReadingsWhileItsTruthSaysSilent() {
        GroundTruthRun run = new GroundTruthRun("silent-device", 1, 0, T0);
        Event silent = run.truth().stream().filter(e -> e.kind() == Kind.SILENT).findFirst().orElseThrow();
        List<Reading> ofSilent = run.readings().stream().filter(r -> r.deviceId().equals(silent.device())).toList();
        assertThat(ofSilent).noneMatch(r -> r.eventTime() >= silent.from() && r.eventTime() < silent.until());
        assertThat(ofSilent).anyMatch(r -> r.eventTime() >= silent.until());
        assertThat(ofSilent.size()).isLessThan(1440);
    }

    @Test
    void anUnknownScenarioIsRefused() {
        assertThatThrownBy(() -> new GroundTruthRun("volcano", 1, 0, T0)).hasMessageContaining("flood");
    }
}

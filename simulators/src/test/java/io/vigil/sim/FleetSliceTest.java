package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetSliceTest {
    @Test
    void slicesCoverTheFleetOnceInIndexOrder() {
        assertThat(FleetSlice.split(31, 3)).containsExactly(new FleetSlice(0, 10), new FleetSlice(10, 20),
                new FleetSlice(20, 31));
        assertThat(FleetSlice.split(5, 5)).extracting(FleetSlice::size).containsOnly(1);
        assertThatThrownBy(() -> FleetSlice.split(2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FleetSlice(3, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSlicesReadingCountsAddUpToTheRunsWhateverTheRemainder() {
        // 31 devices, 250/s for 2 s: 500 readings, 16 full rounds of 31 and 4 more (devices 0..3)
        SimulatorConfig run = SimulatorConfig.defaults().withDevices(31).withRatePerSecond(250)
                .withDuration(Duration.ofSeconds(2));
        List<FleetSlice> slices = FleetSlice.split(31, 3);
        assertThat(slices).extracting(s -> s.readingsOf(run)).containsExactly(164L, 160L, 176L);
        assertThat(slices.stream().mapToLong(s -> s.readingsOf(run)).sum()).isEqualTo(500);
        assertThatThrownBy(() -> slices.get(0).readingsOf(run.withDuration(null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

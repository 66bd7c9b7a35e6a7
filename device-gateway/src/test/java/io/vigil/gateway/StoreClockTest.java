package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StoreClockTest {
    private static final long MS = 1_700_000_000_000L;

    @Test
    void readingsOfOneSeriesInOneMillisecondGetDistinctTimesInThatMillisecond() {
        StoreClock clock = new StoreClock(7);
        Set<Long> times = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            times.add(clock.next("gauge-1/level", MS));
        }
        assertThat(times).hasSize(500).allSatisfy(t -> assertThat(t / 1_000_000).isEqualTo(MS));
        assertThat(clock.next("gauge-2/level", MS)).as("another series starts afresh").isEqualTo(MS * 1_000_000 + 7);
    }

    @Test
    void twoInstancesStampingOneSeriesInOneMillisecondNeverMeet() {
        StoreClock one = new StoreClock(StoreClock.slotOf(GatewayConfig.CLIENT_ID_PREFIX + "1"));
        StoreClock two = new StoreClock(StoreClock.slotOf(GatewayConfig.CLIENT_ID_PREFIX + "2"));
        Set<Long> times = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            times.add(one.next("gauge-1/level", MS));
            times.add(two.next("gauge-1/level", MS));
        }
        assertThat(times).hasSize(600);
    }

    @Test
    void aBurstBeyondAThousandPerMillisecondMovesIntoTheNextMillisecondAndStaysUnique() {
        StoreClock clock = new StoreClock(0);
        Set<Long> times = new HashSet<>();
        for (int i = 0; i < 1500; i++) {
            times.add(clock.next("gauge-1/level", MS));
        }
        assertThat(times).hasSize(1500);
        assertThat(clock.next("gauge-1/level", MS + 1)).as("the next millisecond continues after the burst")
                .isGreaterThan((MS + 1) * 1_000_000);
        assertThat(times).allSatisfy(t -> assertThat(t % 1000).isZero());
    }

    @Test
    void numericInstanceIdsAreTheirSlot() {
        assertThat(StoreClock.slotOf(GatewayConfig.CLIENT_ID_PREFIX + "1")).isEqualTo(1);
        assertThat(StoreClock.slotOf(GatewayConfig.CLIENT_ID_PREFIX + "999")).isEqualTo(999);
        assertThat(StoreClock.slotOf(GatewayConfig.CLIENT_ID_PREFIX + "edge-a")).isBetween(0, 999);
    }
}

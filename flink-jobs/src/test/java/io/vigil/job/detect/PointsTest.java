package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The compact window behaves as the map of event time to value it replaces, and survives its encoding. */
class PointsTest {
    private static final long T = 1_767_225_600_000L;

    @Test
    void keepsOnePointPerTimeDropsTheOldOnesAndRoundTrips() {
        Points p = Points.decode(null);
        assertThat(p.size()).isZero();
        for (int i = 0; i < 10; i++) {
            p.put(T + i * 10_000L, i * 0.5);
        }
        p.put(T + 90_000, Double.NaN); // same time again: replaces
        p.dropBefore(T + 30_000);

        Points back = Points.decode(p.encode());
        assertThat(back.size()).isEqualTo(7);
        for (int i = 0; i < back.size(); i++) {
            assertThat(back.time(i)).isEqualTo(T + (i + 3) * 10_000L);
        }
        assertThat(back.value(0)).isEqualTo(1.5);
        assertThat(back.value(6)).isNaN();
        assertThat(p.encode().length).as("7 points in about 11 bytes each").isLessThan(7 * 12 + 8);
    }

    @Test
    void timesMayGoBackwardsAndFarApart() {
        Points p = Points.decode(null);
        p.put(Long.MAX_VALUE, 1);
        p.put(Long.MIN_VALUE + 1, -0.0);
        p.put(0, 2);
        Points back = Points.decode(p.encode());
        assertThat(back.size()).isEqualTo(3);
        assertThat(back.time(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(back.time(1)).isEqualTo(Long.MIN_VALUE + 1);
        assertThat(back.time(2)).isZero();
        assertThat(Double.doubleToRawLongBits(back.value(1))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }
}

package io.vigil.sim.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesGeneratorTest {
    static final long DAY = 86_400_000L;

    @Test
    void theSameSeedGivesTheSameSeriesAndAnotherIndexAnother() {
        LabelledSeries a = new SeriesGenerator(5).series(3, 8, List.of(AnomalyKind.SPIKE), 2);
        LabelledSeries b = new SeriesGenerator(5).series(3, 8, List.of(AnomalyKind.SPIKE), 2);
        assertThat(a.times()).isEqualTo(b.times());
        assertThat(a.values()).isEqualTo(b.values());
        assertThat(a.windows()).isEqualTo(b.windows());
        assertThat(new SeriesGenerator(5).series(4, 8, List.of(AnomalyKind.SPIKE), 2).values())
                .isNotEqualTo(a.values());
    }

    @Test
    void windowsComeAfterTheWarmUpOnDistinctDaysAndTimesIncrease() {
        for (AnomalyKind kind : AnomalyKind.values()) {
            LabelledSeries s = new SeriesGenerator(1).series(0, 14, List.of(kind), 3);
            assertThat(s.windows()).hasSize(3).allMatch(w -> w.kind() == kind
                    && w.start() >= SeriesGenerator.START + SeriesGenerator.WARM_UP_DAYS * DAY && w.end() >= w.start());
            assertThat(s.windows().stream().map(w -> (w.start() - SeriesGenerator.START) / DAY).distinct())
                    .hasSize(3);
            for (int i = 1; i < s.size(); i++) {
                assertThat(s.times()[i]).isGreaterThan(s.times()[i - 1]);
            }
            for (LabelledWindow w : s.windows()) {
                assertThat(readingsIn(s, w)).as(kind + " window has readings").isPositive();
            }
        }
    }

    @Test
    void aStuckWindowRepeatsOneValueExactly() {
        LabelledSeries s = new SeriesGenerator(2).series(0, 10, List.of(AnomalyKind.STUCK), 1);
        LabelledWindow w = s.windows().get(0);
        double first = Double.NaN;
        for (int i = 0; i < s.size(); i++) {
            if (w.contains(s.times()[i], 0)) {
                if (Double.isNaN(first)) {
                    first = s.values()[i];
                }
                assertThat(s.values()[i]).isEqualTo(first);
            }
        }
        assertThat(first).isNotNaN();
    }

    @Test
    void tooManyAnomaliesForTheDaysIsAnError() {
        assertThatThrownBy(() -> new SeriesGenerator(1).series(0, 6, List.of(AnomalyKind.DRIFT), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
    }

    private static int readingsIn(LabelledSeries s, LabelledWindow w) {
        int n = 0;
        for (long t : s.times()) {
            n += w.contains(t, 0) ? 1 : 0;
        }
        return n;
    }
}

package io.vigil.job.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.sim.anomaly.AnomalyKind;
import io.vigil.sim.anomaly.LabelledSeries;
import io.vigil.sim.anomaly.LabelledWindow;
import io.vigil.sim.anomaly.SeriesGenerator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The model alone, on generated series with known anomalies (io.vigil.sim.anomaly). */
class AnomalyModelTest {
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    static final double LEVEL = 0.95;
    static final SeriesGenerator GENERATOR = new SeriesGenerator(7);

    static double[] scores(LabelledSeries s) {
        AnomalyModel m = new AnomalyModel(AnomalySettings.defaults());
        double[] out = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            out[i] = m.update(s.times()[i], s.values()[i]);
        }
        return out;
    }

    static boolean detected(LabelledSeries s, double[] scores, LabelledWindow w) {
        for (int i = 0; i < s.size(); i++) {
            if (scores[i] >= LEVEL && w.contains(s.times()[i], HOUR)) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(value = AnomalyKind.class, names = {"SPIKE", "LEVEL_SHIFT", "VARIANCE_CHANGE", "STUCK"})
    void detectsMostAnomaliesOfEachKind(AnomalyKind kind) {
        int windows = 0;
        int found = 0;
        for (int i = 0; i < 4; i++) {
            LabelledSeries s = GENERATOR.series(i, 14, List.of(kind), 2);
            double[] scores = scores(s);
            for (LabelledWindow w : s.windows()) {
                windows++;
                found += detected(s, scores, w) ? 1 : 0;
            }
        }
        assertThat(found).as(kind + ": detected of " + windows).isGreaterThanOrEqualTo(windows * 3 / 4);
    }

    @Test
    void detectsSomeDrifts() {
        // drifts are the hardest kind for an adaptive baseline (docs/anomaly.md): a floor, not a target
        int found = 0;
        for (int i = 0; i < 6; i++) {
            LabelledSeries s = GENERATOR.series(100 + i, 21, List.of(AnomalyKind.DRIFT), 3);
            double[] scores = scores(s);
            for (LabelledWindow w : s.windows()) {
                found += detected(s, scores, w) ? 1 : 0;
            }
        }
        assertThat(found).isGreaterThanOrEqualTo(3);
    }

    @Test
    void dailyAndWeeklyCyclesTrendsGapsAndChangingNoiseAreNotAlarms() {
        int alarms = 0;
        int days = 0;
        for (int i = 0; i < 6; i++) {
            LabelledSeries s = GENERATOR.series(200 + i, 14, List.of(), 0);
            double[] scores = scores(s);
            long last = Long.MIN_VALUE;
            for (int j = 0; j < s.size(); j++) {
                if (scores[j] >= LEVEL) {
                    alarms += last == Long.MIN_VALUE || s.times()[j] - last > 30 * MINUTE ? 1 : 0;
                    last = s.times()[j];
                }
            }
            days += 14;
        }
        // the evaluation (docs/benchmarks.md) measures about 0.02 false alarms per series-day over three weeks
        assertThat(alarms / (double) days).as(alarms + " alarms in " + days + " series-days").isLessThan(0.1);
    }

    @Test
    void aStrongDailySwingIsLearntWithinDaysAndASpikeOnItStandsOut() {
        AnomalyModel m = new AnomalyModel(AnomalySettings.defaults());
        Random noise = new Random(1);
        long t0 = SeriesGenerator.START;
        double maxAfterLearning = 0;
        long end = t0 + 10 * DAY;
        for (long t = t0; t < end; t += MINUTE) {
            double s = m.update(t, swing(t, noise));
            if (t >= t0 + 3 * DAY) {
                maxAfterLearning = Math.max(maxAfterLearning, s);
            }
        }
        assertThat(maxAfterLearning).isLessThan(LEVEL);
        assertThat(m.update(end, swing(end, noise) + 0.5)).isGreaterThanOrEqualTo(LEVEL);
    }

    /** A daily swing of ±0.5 (25 noise standard deviations) around 3.0. */
    static double swing(long t, Random noise) {
        double hour = Math.floorMod(t, DAY) / (double) HOUR;
        return 3.0 + 0.5 * Math.sin(2 * Math.PI * hour / 24) + 0.02 * noise.nextGaussian();
    }

    @Test
    void theFirstReadingsScoreLowWhateverTheyAre() {
        AnomalyModel m = new AnomalyModel(AnomalySettings.defaults());
        double[] wild = {5, -300, 7e6, 0, 42, -1, 1e-9};
        for (int i = 0; i < wild.length; i++) {
            assertThat(m.update(SeriesGenerator.START + i * MINUTE, wild[i])).isZero();
        }
    }

    @Test
    void causalTheScoreAtTDependsOnlyOnReadingsUpToT() {
        LabelledSeries s = GENERATOR.series(300, 10, List.of(AnomalyKind.LEVEL_SHIFT), 2);
        double[] full = scores(s);
        int cut = s.size() / 2;
        AnomalyModel m = new AnomalyModel(AnomalySettings.defaults());
        for (int i = 0; i < s.size(); i++) {
            // the same past, a different future: the past's scores must not change
            double value = i < cut ? s.values()[i] : -s.values()[i] * 3 + 100;
            double score = m.update(s.times()[i], value);
            if (i < cut) {
                assertThat(score).isEqualTo(full[i]);
            }
        }
    }

    @Test
    void stateIsSmallFixedInSizeAndRestoresExactly() {
        LabelledSeries s = GENERATOR.series(400, 10, List.of(AnomalyKind.SPIKE), 2);
        AnomalyModel m = new AnomalyModel(AnomalySettings.defaults());
        AnomalyModel restored = null;
        for (int i = 0; i < s.size(); i++) {
            double score = m.update(s.times()[i], s.values()[i]);
            if (restored != null) {
                assertThat(restored.update(s.times()[i], s.values()[i])).isEqualTo(score);
            }
            if (i == s.size() / 3) {
                byte[] state = m.toBytes();
                assertThat(state).hasSize(AnomalyModel.STATE_BYTES);
                restored = AnomalyModel.fromBytes(AnomalySettings.defaults(), state);
            }
        }
        assertThat(m.toBytes()).hasSize(AnomalyModel.STATE_BYTES).isEqualTo(restored.toBytes());
        assertThat(AnomalyModel.STATE_BYTES).isLessThan(400);
    }

    @Test
    void aSeriesSilentLongerThanForgetAfterStartsAfresh() {
        AnomalyModel m = new AnomalyModel(AnomalySettings.defaults());
        long t = SeriesGenerator.START;
        for (int i = 0; i < 100; i++) {
            m.update(t + i * MINUTE, 1 + (i % 3) * 0.01);
        }
        long later = t + 100 * MINUTE + AnomalySettings.defaults().forgetAfter().toMillis() + 1;
        assertThat(m.update(later, 500)).as("a fresh model has no opinion yet").isZero();
    }
}

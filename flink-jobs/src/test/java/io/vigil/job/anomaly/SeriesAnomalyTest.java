package io.vigil.job.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The calibrated score and incident onsets on small generated series. */
class SeriesAnomalyTest {
    static final long T0 = 1_704_067_200_000L; // a Monday, 00:00 UTC
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    static SeriesAnomaly fresh() {
        return new SeriesAnomaly(AnomalySettings.defaults());
    }

    /** Gaussian noise around 20 with a daily swing, one reading a minute. */
    static double normal(Random random, long t) {
        return 20 + 3 * Math.sin(2 * Math.PI * (t % (24 * HOUR)) / (24 * HOUR)) + 0.5 * random.nextGaussian();
    }

    @Test
    void staysQuietOnNormalDataAndPagesOnceForASpike() {
        SeriesAnomaly s = fresh();
        Random random = new Random(1);
        int days = 6;
        int onsets = 0;
        for (long t = T0; t < T0 + days * 24 * HOUR; t += MINUTE) {
            onsets += s.update(t, normal(random, t)).onset() ? 1 : 0;
        }
        assertThat(onsets).as("false alarms in %d days of plain noise", days).isLessThanOrEqualTo(1);
        long spike = T0 + days * 24 * HOUR;
        SeriesAnomaly.Assessment a = s.update(spike, normal(random, spike) + 8);
        assertThat(a.score()).isGreaterThanOrEqualTo(SeriesAnomaly.Assessment.ANOMALOUS);
        assertThat(a.onset()).isTrue();
        // the next, equally strong spike an hour later is in the refractory period: scored, but no new incident
        long again = spike + HOUR;
        for (long t = spike + MINUTE; t < again; t += MINUTE) {
            s.update(t, normal(random, t));
        }
        SeriesAnomaly.Assessment b = s.update(again, normal(random, again) + 8);
        assertThat(b.score()).isGreaterThanOrEqualTo(SeriesAnomaly.Assessment.ANOMALOUS);
        assertThat(b.onset()).isFalse();
    }

    @Test
    void aLastingExcursionStaysAnomalousWhileItLastsAndPagesOnce() {
        SeriesAnomaly s = fresh();
        Random random = new Random(2);
        long start = T0 + 4 * 24 * HOUR;
        for (long t = T0; t < start; t += MINUTE) {
            s.update(t, normal(random, t));
        }
        int onsets = 0;
        long end = start + 3 * HOUR;
        for (long t = start; t < end; t += MINUTE) {
            // the model's level follows the new value within minutes; the excursion is still one
            SeriesAnomaly.Assessment a = s.update(t, normal(random, t) + 8);
            assertThat(a.score()).as("%d min into the excursion", (t - start) / MINUTE)
                    .isGreaterThanOrEqualTo(SeriesAnomaly.Assessment.ANOMALOUS);
            onsets += a.onset() ? 1 : 0;
        }
        assertThat(onsets).isEqualTo(1);
        SeriesAnomaly.Assessment after = null;
        for (long t = end; t < end + 2 * HOUR; t += MINUTE) {
            after = s.update(t, normal(random, t));
        }
        assertThat(after.score()).as("back to normal").isLessThan(SeriesAnomaly.Assessment.ANOMALOUS);
    }

    @Test
    void warmsUpForAFixedNumberOfReadingsAndAMinimumTime() {
        SeriesAnomaly s = fresh();
        // a reading a second: 500 readings are far more than the warm-up count but under the warm-up time
        for (int i = 0; i < 500; i++) {
            double value = i == 499 ? 1e6 : 5 + (i % 2) * 0.1;
            assertThat(s.update(T0 + i * 1000L, value).score()).isZero();
        }
        // a reading an hour: two hours pass after three readings, but the count is not reached
        SeriesAnomaly slow = fresh();
        for (int i = 0; i < SeriesAnomaly.WARM_UP_READINGS - 1; i++) {
            assertThat(slow.update(T0 + i * HOUR, i == SeriesAnomaly.WARM_UP_READINGS - 2 ? 1e6 : 5 + (i % 2))
                    .onset()).isFalse();
        }
    }

    @Test
    void aSeriesThatOftenSpikesLearnsItsOwnTail() {
        Random random = new Random(7);
        SeriesAnomaly s = fresh();
        List<Long> onsets = new ArrayList<>();
        long end = T0 + 14 * 24 * HOUR;
        for (long t = T0; t < end; t += MINUTE) {
            // a burst several times a day: part of this series' normal life
            double v = normal(random, t) + (random.nextDouble() < 0.003 ? 6 + 4 * random.nextDouble() : 0);
            if (s.update(t, v).onset()) {
                onsets.add(t);
            }
        }
        long lastWeek = onsets.stream().filter(t -> t >= end - 7 * 24 * HOUR).count();
        assertThat(lastWeek).as("pages in the second week, with about 30 bursts").isLessThanOrEqualTo(1);
    }

    @Test
    void aValueBeyondEverythingSeenIsAnomalousOnItsOwn() {
        SeriesAnomaly s = fresh();
        Random random = new Random(3);
        // a wildly noisy series: big surprises are its normal, but it stays within 0..100
        for (long t = T0; t < T0 + 3 * 24 * HOUR; t += MINUTE) {
            s.update(t, 100 * random.nextDouble());
        }
        assertThat(s.update(T0 + 3 * 24 * HOUR, 150).score()).isGreaterThanOrEqualTo(0.75);
    }

    @Test
    void stateRoundTripsAndStaysTheSameSize() {
        Random random = new Random(5);
        SeriesAnomaly s = fresh();
        SeriesAnomaly restored = null;
        for (int i = 0; i < 3000; i++) {
            long t = T0 + i * MINUTE;
            double v = normal(random, t) + (i % 997 == 0 ? 10 : 0);
            SeriesAnomaly.Assessment a = s.update(t, v);
            if (restored != null) {
                assertThat(restored.update(t, v)).isEqualTo(a);
            }
            if (i % 500 == 0) {
                byte[] state = s.toBytes();
                assertThat(state).hasSize(SeriesAnomaly.STATE_BYTES);
                restored = SeriesAnomaly.fromBytes(AnomalySettings.defaults(), state);
            }
        }
        assertThat(restored.toBytes()).isEqualTo(s.toBytes());
        assertThat(SeriesAnomaly.STATE_BYTES).isLessThan(512);
    }
}

package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The selection median must give exactly what sorting gave, ties and odd/even lengths included. */
class TrendFitMedianTest {
    @Test
    void selectionMedianEqualsTheSortedMedian() {
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(300);
            double[] xs = new double[n];
            boolean ties = random.nextBoolean();
            for (int i = 0; i < n; i++) {
                xs[i] = ties ? random.nextInt(5) : random.nextGaussian();
            }
            double[] sorted = xs.clone();
            Arrays.sort(sorted);
            int m = n / 2;
            double expected = n % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
            assertThat(TrendFit.median(xs.clone())).as("n=%d ties=%s", n, ties).isEqualTo(expected);
        }
    }

    @Test
    void aLineIsFittedExactlyDespiteOneOutlier() {
        long[] t = {-4000, -3000, -2000, -1000, 0};
        double[] v = {1.0, 1.1, 9.0, 1.3, 1.4}; // 0.1 per second, one spike
        TrendFit fit = TrendFit.of(t, v);
        assertThat(fit.slopePerMs()).isCloseTo(0.0001, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(fit.valueAt0()).isCloseTo(1.4, org.assertj.core.data.Offset.offset(1e-9));
    }
}

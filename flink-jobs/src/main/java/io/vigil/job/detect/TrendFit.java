package io.vigil.job.detect;

import java.util.Arrays;

/**
 * A Theil–Sen line: the slope is the median of the slopes between every pair of points, the intercept the
 * median of the residuals. Up to 29 % of the points can be outliers (a spike, a dropped reading) without moving
 * the line, which a least-squares fit cannot promise; the O(n²) pairs are cheap for a window of a few hundred.
 */
public record TrendFit(double slopePerMs, double valueAt0) {

    /** Fits a line through {@code (t[i], v[i])}, with t relative to the time the prediction is made for. */
    public static TrendFit of(long[] t, double[] v) {
        int n = t.length;
        double[] slopes = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (t[j] != t[i]) {
                    slopes[k++] = (v[j] - v[i]) / (t[j] - t[i]);
                }
            }
        }
        double slope = k == 0 ? 0 : median(Arrays.copyOf(slopes, k));
        double[] residuals = new double[n];
        for (int i = 0; i < n; i++) {
            residuals[i] = v[i] - slope * t[i];
        }
        return new TrendFit(slope, median(residuals));
    }

    /**
     * Milliseconds from time 0 until the line reaches {@code limit} going the bad way, 0 if it is already
     * there, or -1 if the trend does not head for it.
     */
    public long msUntil(double limit, boolean above) {
        double gap = limit - valueAt0;
        if (above ? gap <= 0 : gap >= 0) {
            return 0;
        }
        if (above ? slopePerMs <= 0 : slopePerMs >= 0) {
            return -1;
        }
        return Math.round(gap / slopePerMs);
    }

    private static double median(double[] xs) {
        Arrays.sort(xs);
        int m = xs.length / 2;
        return xs.length % 2 == 1 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
    }
}

package io.vigil.job.detect;


/**
 * A Theil–Sen line: the slope is the median of the slopes between every pair of points, the intercept the
 * median of the residuals. Up to 29 % of the points can be outliers (a spike, a dropped reading) without moving
 * the line, which a least-squares fit cannot promise; the O(n²) pairs are cheap for a window of a few hundred.
 */
public record TrendFit(double slopePerMs, double valueAt0) {
    /**
     * Each thread's scratch for the pair slopes (up to 1,770 for a full forecast window): allocating them per reading
     * made the forecast the job's largest source of garbage.
     */
    private static final ThreadLocal<double[]> SLOPES = ThreadLocal.withInitial(() -> new double[64]);

    /** Fits a line through {@code (t[i], v[i])}, with t relative to the time the prediction is made for. */
    public static TrendFit of(long[] t, double[] v) {
        int n = t.length;
        int pairs = n * (n - 1) / 2;
        double[] slopes = SLOPES.get();
        if (slopes.length < pairs) {
            slopes = new double[Math.max(pairs, 2 * slopes.length)];
            SLOPES.set(slopes);
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (t[j] != t[i]) {
                    slopes[k++] = (v[j] - v[i]) / (t[j] - t[i]);
                }
            }
        }
        double slope = k == 0 ? 0 : median(slopes, k);
        double[] residuals = new double[n];
        for (int i = 0; i < n; i++) {
            residuals[i] = v[i] - slope * t[i];
        }
        return new TrendFit(slope, median(residuals, n));
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

    /**
     * The median by selection, not sorting: the slopes of a busy series number in the hundreds of thousands, and
     * sorting them for every reading was the job's top hot spot in the end-to-end benchmark's profile. Reorders
     * {@code xs}.
     */
    static double median(double[] xs) {
        return median(xs, xs.length);
    }

    /** The median of the first {@code n} of {@code xs}; reorders them. */
    static double median(double[] xs, int n) {
        int m = n / 2;
        double upper = select(xs, n, m);
        if (n % 2 == 1) {
            return upper;
        }
        double lower = xs[0]; // select leaves everything left of m at or below xs[m]
        for (int i = 1; i < m; i++) {
            lower = Math.max(lower, xs[i]);
        }
        return (lower + upper) / 2;
    }

    /** Quickselect (Hoare partition): the k-th smallest of {@code a}, with everything left of k at or below it. */
    private static double select(double[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double swap = a[i];
                    a[i++] = a[j];
                    a[j--] = swap;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }
}

package io.vigil.job.anomaly;

import java.nio.ByteBuffer;

/**
 * How rare a raw surprise is for one series: a streaming peaks-over-threshold model of the upper tail of its own
 * surprises (extreme value theory as in SPOT, Siffer et al. 2017, but with constant memory). Surprises above a
 * moving threshold (mean + 2.5 usual deviations, exponentially weighted) are peaks; their excesses are fitted with a
 * generalised Pareto distribution by the method of moments from exponentially weighted first and second moments,
 * and the share of readings above the threshold is an exponentially weighted rate. The tail probability of a
 * surprise s above the threshold is rate × (1 + ξ (s − t) / σ)^(−1/ξ). A prior of a few heavy-tailed peaks keeps
 * the first estimates cautious: a series must show it is well-behaved before small excesses count as rare.
 */
final class SurpriseTail {
    static final int BYTES = 8 * 5 + 4 * 2;
    /** The threshold in usual deviations above the mean surprise. */
    private static final double THRESHOLD_DEVIATIONS = 2.5;
    /** Memory of the surprise's mean, deviation and exceedance rate, in readings. */
    private static final int MEMORY = 5000;
    /** Memory of the excesses' moments, in peaks. */
    private static final int PEAK_MEMORY = 500;
    /** Prior: this many pseudo-peaks with this mean excess and shape, and pseudo-readings at this exceedance rate. */
    private static final int PRIOR_PEAKS = 5;
    private static final double PRIOR_EXCESS = 1;
    private static final double PRIOR_SHAPE = 0.3;
    private static final int PRIOR_READINGS = 50;
    private static final double PRIOR_RATE = 0.02;
    private static final double MIN_DEVIATION = 0.1;
    private static final double MAX_SHAPE = 0.45;
    private static final double MIN_SHAPE = 0;

    private double mean;
    private double deviation;
    private double rate = PRIOR_RATE;
    private double excess = PRIOR_EXCESS;
    private double excessSquare = PRIOR_EXCESS * PRIOR_EXCESS / (1 - 2 * PRIOR_SHAPE) + PRIOR_EXCESS * PRIOR_EXCESS;
    private int readings;
    private int peaks;

    /** The threshold above which surprises are peaks. */
    double threshold() {
        return mean + THRESHOLD_DEVIATIONS * Math.max(deviation, MIN_DEVIATION);
    }

    /** log10 of the estimated probability that a reading's surprise is at least {@code s}. */
    double log10Tail(double s) {
        double t = threshold();
        if (s <= t) {
            return Math.log10(rate);
        }
        double m = excess;
        double variance = Math.max(excessSquare - m * m, 1e-12);
        double ratio = m * m / variance;
        double shape = clamp(0.5 * (1 - ratio), MIN_SHAPE, MAX_SHAPE);
        double scale = Math.max(0.5 * m * (1 + ratio), 1e-9);
        double z = (s - t) / scale;
        double log10Excess;
        if (Math.abs(shape) < 1e-6) {
            log10Excess = -z / Math.log(10);
        } else {
            double base = 1 + shape * z;
            log10Excess = base <= 0 ? -300 : -Math.log10(base) / shape;
        }
        return Math.log10(rate) + log10Excess;
    }

    /**
     * Learns from a surprise. A surprise that may be part of an anomaly counts at most as a large but ordinary peak,
     * {@code capExcesses} mean excesses above the threshold (infinite: uncapped): alarms must not teach the tail at
     * once that they are normal, yet a series whose new normal keeps alarming is learnt within some peaks.
     */
    void learn(double s, double capExcesses) {
        double t = threshold();
        double x = Math.min(s, t + capExcesses * excess);
        readings = Math.min(readings + 1, MEMORY);
        double alpha = 1.0 / readings;
        boolean peak = readings > 1 && x > t;
        double ra = 1.0 / Math.min(readings + PRIOR_READINGS, MEMORY);
        rate += ra * ((peak ? 1 : 0) - rate);
        if (peak) {
            peaks = Math.min(peaks + 1, PEAK_MEMORY);
            double pa = 1.0 / (peaks + PRIOR_PEAKS);
            excess += pa * ((x - t) - excess);
            excessSquare += pa * ((x - t) * (x - t) - excessSquare);
        }
        // the threshold's own statistics learn from what lies below it, plus the threshold for what lies above
        double y = readings > 1 ? Math.min(x, t) : x;
        mean += alpha * (y - mean);
        deviation += alpha * (Math.abs(y - mean) - deviation);
    }

    void write(ByteBuffer b) {
        b.putDouble(mean).putDouble(deviation).putDouble(rate).putDouble(excess).putDouble(excessSquare)
                .putInt(readings).putInt(peaks);
    }

    static SurpriseTail read(ByteBuffer b) {
        SurpriseTail t = new SurpriseTail();
        t.mean = b.getDouble();
        t.deviation = b.getDouble();
        t.rate = b.getDouble();
        t.excess = b.getDouble();
        t.excessSquare = b.getDouble();
        t.readings = b.getInt();
        t.peaks = b.getInt();
        return t;
    }

    private static double clamp(double x, double low, double high) {
        return Math.max(low, Math.min(high, x));
    }
}

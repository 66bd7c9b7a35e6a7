package io.vigil.job.anomaly;

import java.nio.ByteBuffer;

/**
 * The anomaly model of one series (method and sources in docs/anomaly.md): a robust, time-aware Holt baseline
 * with hour-of-day and day-of-week profiles predicts each reading; the residual, scaled by a time-decayed mean
 * absolute residual, feeds four simple detectors (large residual, CUSUM level shift, variance ratio, stuck value)
 * whose scores are mapped to [0, 1] and combined by their maximum, damped while the model is still warming up.
 *
 * <p>Causal by construction: {@link #update} scores a reading against the state built from earlier readings only,
 * then learns from it. Readings must come in event-time order (the Flink operators buffer until the watermark).
 * The whole state is a few primitives and two small float profiles ({@link #toBytes}: {@value #STATE_BYTES} bytes).
 */
public final class AnomalyModel {
    static final int HOURS = 24;
    static final int DAYS = 7;
    static final int STATE_BYTES = 1 + 8 + 8 + 8 * 10 + 4 + 4 + 4 * (HOURS + DAYS);
    private static final byte VERSION = 1;
    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;
    private static final long NEVER = Long.MIN_VALUE;
    private static final double LN2 = Math.log(2);
    /** Mean absolute deviation of a normal variable times this is its standard deviation. */
    private static final double MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);
    /** Residuals beyond this many sigmas are clipped before the baseline learns from them (Huber-type). */
    private static final double CLIP = 3;
    /** Residuals beyond this many sigmas count as this many when learning the noise level. */
    private static final double SCALE_CLIP = 4;
    /** CUSUM reference value (half the smallest shift worth noticing, in sigmas) and its score range. */
    private static final double CUSUM_K = 1.0;
    private static final double CUSUM_LOW = 6;
    private static final double CUSUM_HIGH = 12;
    /** Spike score range in -log10 of the two-sided normal tail probability. */
    private static final double SPIKE_LOW = 4;
    private static final double SPIKE_HIGH = 7;
    /** Variance ratio (recent / usual residual size) score range. */
    private static final double VARIANCE_LOW = 2.2;
    private static final double VARIANCE_HIGH = 4;
    /** Stuck score range in -log10 of the chance of the current run of repeats. */
    private static final double STUCK_LOW = 4;
    private static final double STUCK_HIGH = 8;
    private static final double REPEAT_RATE_MIN = 0.01;
    private static final double REPEAT_RATE_ALPHA = 0.01;

    private final AnomalySettings settings;
    /** Spike, shift, variance, stuck scores and z of the last reading: for tests and tuning, not state. */
    double[] components = new double[5];

    private long lastTime = NEVER;
    private long since; // the first reading of this run of the model
    private double level;
    private double slowLevel; // the reference the seasonal profiles are learnt against
    private double trend; // per ms
    private double scale; // usual mean absolute residual
    private double fastScale; // recent mean absolute residual
    private double cusumUp;
    private double cusumDown;
    private double lastValue;
    private double repeatRate = REPEAT_RATE_MIN;
    private double lastScore;
    private int seen;
    private int repeats;
    private final float[] daily = new float[HOURS];
    private final float[] weekly = new float[DAYS];

    public AnomalyModel(AnomalySettings settings) {
        this.settings = settings;
    }

    /** Scores the reading at {@code time} (epoch ms, not before the previous one) and learns from it. */
    public double update(long time, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite value: " + value);
        }
        if (lastTime == NEVER || time - lastTime > settings.forgetAfter().toMillis()) {
            start(time, value);
            return 0;
        }
        long dt = Math.max(0, time - lastTime);
        if (dt > 12 * settings.levelHalfLife().toMillis()) {
            restartLevel(time, value);
        }
        double season = season(time);
        double forecast = level + trend * Math.min(dt, 2 * settings.levelHalfLife().toMillis());
        double residual = value - forecast - season;
        double sigma = Math.max(scale * MAD_TO_SIGMA, 1e-9 * Math.max(1, Math.abs(level)));
        double z = residual / sigma;

        if (seen >= settings.warmUp()) {
            // capped, so that after a shift the sums fall back within a few readings once the level has followed
            cusumUp = clamp(cusumUp + Math.min(z, 2 * CLIP) - CUSUM_K, 0, CUSUM_HIGH);
            cusumDown = clamp(cusumDown - Math.max(z, -2 * CLIP) - CUSUM_K, 0, CUSUM_HIGH);
        }
        boolean shifting = Math.max(cusumUp, cusumDown) >= CUSUM_LOW;
        boolean repeat = Math.abs(value - lastValue) <= 1e-12 * Math.max(1, Math.abs(value));
        repeats = repeat ? repeats + 1 : 0;

        double spike = ramp(-log10TwoSidedTail(Math.abs(z)), SPIKE_LOW, SPIKE_HIGH);
        // a daily profile not yet learnt leaves long runs of same-signed residuals: no shift alarms in the first day
        double shift = ramp(Math.max(cusumUp, cusumDown), CUSUM_LOW, CUSUM_HIGH) * ramp(time - since, 0, DAY_MS);
        double ratio = fastScale / Math.max(scale, 1e-300);
        double variance = ramp(ratio, VARIANCE_LOW, VARIANCE_HIGH);
        double stuck = ramp(-repeats * Math.log10(Math.max(repeatRate, REPEAT_RATE_MIN)), STUCK_LOW, STUCK_HIGH);
        double score = Math.max(Math.max(spike, shift), Math.max(variance, stuck)) * confidence();
        components = new double[] {spike, shift, variance, stuck, z};

        learn(time, dt, value, season, forecast, residual, sigma, shifting, repeat);
        lastScore = score;
        return score;
    }

    private void learn(long time, long dt, double value, double season, double forecast, double residual,
                       double sigma, boolean shifting, boolean repeat) {
        seen = Math.min(seen + 1, 1 << 20);
        double warm = 1.0 / seen;
        // a run of same-signed large residuals is a new level, not outliers: let the baseline follow it
        double clip = shifting || seen <= settings.warmUp() ? Double.POSITIVE_INFINITY : CLIP * sigma;
        double innovation = clamp(residual, -clip, clip);
        double previous = level;
        level = forecast + Math.max(alpha(dt, settings.levelHalfLife().toMillis()), warm) * innovation;
        if (dt > 0) {
            double slope = (level - previous) / dt;
            trend += alpha(dt, settings.trendHalfLife().toMillis()) * (slope - trend);
        }
        // the profiles learn against a slow level: a fast one would follow the daily swing and leave them nothing
        double deseasonalised = clamp(value - season - slowLevel, -clip, clip);
        slowLevel += Math.max(alpha(dt, settings.seasonReferenceHalfLife().toMillis()), warm) * deseasonalised;
        learnSeason(time, Math.min(dt, HOUR_MS), clamp(value - slowLevel, -clip + season, clip + season) - season,
                season);
        {
            double absRes = Math.abs(residual);
            double limit = seen <= settings.warmUp() ? Double.POSITIVE_INFINITY : SCALE_CLIP * sigma;
            scale += Math.max(alpha(dt, settings.scaleHalfLife().toMillis()), warm) * (Math.min(absRes, limit) - scale);
        }
        fastScale += Math.max(alpha(dt, settings.fastScaleHalfLife().toMillis()), warm)
                * (Math.min(Math.abs(residual), 3 * CLIP * sigma) - fastScale);
        repeatRate += REPEAT_RATE_ALPHA * ((repeat ? 1 : 0) - repeatRate);
        lastValue = value;
        lastTime = time;
    }

    /** @param error how far the reading was from the slow level plus {@code season} (clipped) */
    private void learnSeason(long time, long weightMs, double error, double season) {
        double pos = hourPosition(time);
        int i0 = (int) Math.floor(pos);
        double w1 = pos - i0;
        int h0 = Math.floorMod(i0, HOURS);
        int h1 = (h0 + 1) % HOURS;
        double gd = alpha(weightMs, settings.dailyMemory().toMillis());
        daily[h0] += (float) (gd * (1 - w1) * error);
        daily[h1] += (float) (gd * w1 * error);
        int d = dayOfWeek(time);
        weekly[d] += (float) (alpha(weightMs, settings.weeklyMemory().toMillis()) * error);
    }

    private double season(long time) {
        double pos = hourPosition(time);
        int i0 = (int) Math.floor(pos);
        double w1 = pos - i0;
        int h0 = Math.floorMod(i0, HOURS);
        double day = (1 - w1) * daily[h0] + w1 * daily[(h0 + 1) % HOURS];
        // until every weekday has been seen, unlearnt days would make steps at midnight
        return time - since >= DAYS * DAY_MS ? day + weekly[dayOfWeek(time)] : day;
    }

    /** Hours since midnight UTC, shifted so that bucket i is centred on i:30 (linear interpolation between centres). */
    private static double hourPosition(long time) {
        return Math.floorMod(time, DAY_MS) / (double) HOUR_MS - 0.5;
    }

    /** 0 = Monday (1970-01-01 was a Thursday). */
    private static int dayOfWeek(long time) {
        return (int) Math.floorMod(Math.floorDiv(time, DAY_MS) + 3, DAYS);
    }

    private void start(long time, double value) {
        lastTime = time;
        since = time;
        level = value;
        slowLevel = value;
        trend = 0;
        scale = 0;
        fastScale = 0;
        cusumUp = 0;
        cusumDown = 0;
        lastValue = value;
        repeatRate = REPEAT_RATE_MIN;
        repeats = 0;
        seen = 1;
        lastScore = 0;
        java.util.Arrays.fill(daily, 0f);
        java.util.Arrays.fill(weekly, 0f);
    }

    /** After a long gap the old level says little: restart it, keep what was learnt about noise and seasons. */
    private void restartLevel(long time, double value) {
        level = value - season(time);
        slowLevel = level;
        trend = 0;
        cusumUp = 0;
        cusumDown = 0;
        seen = Math.min(seen, settings.warmUp() / 2);
    }

    /** From 0 (first readings) to 1 (after the warm-up): an unsure model must not raise alarms. */
    private double confidence() {
        int from = Math.max(2, settings.warmUp() / 4);
        return ramp(seen, from, settings.warmUp());
    }

    private static double alpha(long dt, long halfLife) {
        return 1 - Math.exp(-LN2 * dt / (double) halfLife);
    }

    private static double ramp(double x, double low, double high) {
        return clamp((x - low) / (high - low), 0, 1);
    }

    private static double clamp(double x, double low, double high) {
        return Math.max(low, Math.min(high, x));
    }

    /**
     * log10 P(|N(0,1)| > z) = log10 erfc(z / sqrt 2), computed in log space so it stays finite for huge z
     * (Chebyshev fit of erfc, fractional error below 1.2e-7: Press et al., Numerical Recipes, 2nd ed., 6.2).
     */
    static double log10TwoSidedTail(double z) {
        double x = z / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * x);
        double poly = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return (Math.log(t) + poly) / Math.log(10);
    }

    /** The score of the last reading (0 before any). */
    public double lastScore() {
        return lastScore;
    }

    /** The model's state in {@value #STATE_BYTES} bytes, for Flink state and for measuring it. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(STATE_BYTES);
        b.put(VERSION).putLong(lastTime).putLong(since);
        b.putDouble(level).putDouble(slowLevel).putDouble(trend).putDouble(scale).putDouble(fastScale).putDouble(cusumUp)
                .putDouble(cusumDown).putDouble(lastValue).putDouble(repeatRate).putDouble(lastScore);
        b.putInt(seen).putInt(repeats);
        for (float f : daily) {
            b.putFloat(f);
        }
        for (float f : weekly) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** A model restored from {@link #toBytes}; null or empty bytes give a fresh model. */
    public static AnomalyModel fromBytes(AnomalySettings settings, byte[] bytes) {
        AnomalyModel m = new AnomalyModel(settings);
        if (bytes == null || bytes.length == 0) {
            return m;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != VERSION || bytes.length != STATE_BYTES) {
            throw new IllegalArgumentException("unknown anomaly model state: version " + version + ", "
                    + bytes.length + " bytes");
        }
        m.lastTime = b.getLong();
        m.since = b.getLong();
        m.level = b.getDouble();
        m.slowLevel = b.getDouble();
        m.trend = b.getDouble();
        m.scale = b.getDouble();
        m.fastScale = b.getDouble();
        m.cusumUp = b.getDouble();
        m.cusumDown = b.getDouble();
        m.lastValue = b.getDouble();
        m.repeatRate = b.getDouble();
        m.lastScore = b.getDouble();
        m.seen = b.getInt();
        m.repeats = b.getInt();
        for (int i = 0; i < HOURS; i++) {
            m.daily[i] = b.getFloat();
        }
        for (int i = 0; i < DAYS; i++) {
            m.weekly[i] = b.getFloat();
        }
        return m;
    }
}

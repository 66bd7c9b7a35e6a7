package io.vigil.job.anomaly;

import java.nio.ByteBuffer;

/**
 * The anomaly model of one series (method and sources in docs/anomaly.md): a robust, time-aware Holt baseline
 * with hour-of-day and day-of-week profiles predicts each reading; the residual, scaled by a time-decayed mean
 * absolute residual, feeds five simple detectors (large residual, level shift, drift, variance ratio, stuck value)
 * whose scores are mapped to [0, 1] and combined by their maximum, damped while the model is still warming up.
 *
 * <p>Causal by construction: {@link #update} scores a reading against the state built from earlier readings only,
 * then learns from it. Readings must come in event-time order (the Flink operators buffer until the watermark).
 * The whole state is a few primitives and two small float profiles ({@link #toBytes}: {@value #STATE_BYTES} bytes).
 */
public final class AnomalyModel {
    static final int HOURS = 24;
    static final int DAYS = 7;
    static final int STATE_BYTES = 1 + 8 + 8 + 8 * 13 + 4 + 4 + 4 * (HOURS + DAYS);
    private static final byte VERSION = 2;
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
    /** Shift score range: the recent mean residual in multiples of its own usual size. */
    private static final double SHIFT_LOW = 5;
    private static final double SHIFT_HIGH = 8;
    /** Spike score range in -log10 of the two-sided normal tail probability. */
    private static final double SPIKE_LOW = 4;
    private static final double SPIKE_HIGH = 7;
    /** Drift score range: the level's departure from the slow level in multiples of its usual size. */
    private static final double DRIFT_LOW = 4;
    private static final double DRIFT_HIGH = 6;
    /** Variance ratio (recent / usual residual size) score range. */
    private static final double VARIANCE_LOW = 2.2;
    private static final double VARIANCE_HIGH = 4;
    /** Stuck score range in -log10 of the chance of the current run of repeats. */
    private static final double STUCK_LOW = 4;
    private static final double STUCK_HIGH = 8;
    private static final double REPEAT_RATE_MIN = 0.01;
    private static final double REPEAT_RATE_ALPHA = 0.01;
    /** Beyond this (a tail probability of 10^-100) a surprise says nothing more. */
    private static final double MAX_SURPRISE = 100;
    /** A pause longer than this many usual intervals (and than the level half-life) is a gap. */
    private static final double GAP_INTERVALS = 3;
    private static final double INTERVAL_ALPHA = 0.05;

    private final AnomalySettings settings;
    /** Spike, shift, variance, stuck scores and z of the last reading: for tests and tuning, not state. */
    double[] components = new double[6];

    private long lastTime = NEVER;
    private long since; // the first reading of this run of the model
    private double level;
    double slowLevel; // the reference the seasonal profiles are learnt against
    private double seasonScale; // mean absolute deviation from slow level plus season
    private double usualDeparture; // usual absolute difference between the level and the slow level
    private double trend; // per ms
    private double scale; // usual mean absolute residual
    private double fastScale; // recent mean absolute residual
    private double recentMean; // recent mean residual: near 0 unless the series left its baseline
    private double usualRecentMean; // its usual absolute size, which includes the residuals' autocorrelation
    private double lastValue;
    private double repeatRate = REPEAT_RATE_MIN;
    private double lastScore;
    /** The last reading's raw surprise ({@link #surprise}): recomputed by every update, so not state. */
    private double lastSurprise;
    private int seen;
    private int repeats;
    /** The usual time between readings (EW), so that a series sampled hourly is not in a gap at every reading. */
    private double interval;
    final float[] daily = new float[HOURS];
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
            lastSurprise = 0;
            return 0;
        }
        long dt = Math.max(0, time - lastTime);
        if (dt > Math.max(settings.levelHalfLife().toMillis(), GAP_INTERVALS * interval)) {
            restartLevel(time, value, dt);
        }
        double season = season(time);
        double forecast = level + trend * Math.min(dt, 2 * settings.levelHalfLife().toMillis());
        double residual = value - forecast - season;
        double sigma = Math.max(scale * MAD_TO_SIGMA, 1e-9 * Math.max(1, Math.abs(level)));
        double z = residual / sigma;

        double warm = 1.0 / (seen + 1);
        recentMean += Math.max(alpha(dt, settings.fastScaleHalfLife().toMillis()), warm) * (residual - recentMean);
        double shiftRatio = Math.abs(recentMean) / Math.max(usualRecentMean, 1e-300);
        boolean shifting = seen >= settings.warmUp() && shiftRatio >= SHIFT_LOW;
        boolean repeat = Math.abs(value - lastValue) <= 1e-12 * Math.max(1, Math.abs(value));
        repeats = repeat ? repeats + 1 : 0;

        double spike = ramp(-log10TwoSidedTail(Math.abs(z)), SPIKE_LOW, SPIKE_HIGH);
        // a daily profile not yet learnt leaves long runs of same-signed residuals: no shift alarms in the first day
        double shift = ramp(shiftRatio, SHIFT_LOW, SHIFT_HIGH) * ramp(time - since, 0, DAY_MS);
        // a drift is followed by the fast level without big residuals, but leaves the slow level behind
        double departure = Math.abs(level - slowLevel) / Math.max(usualDeparture, 1e-300);
        double drift = ramp(departure, DRIFT_LOW, DRIFT_HIGH) * ramp(time - since, DAY_MS, 2 * DAY_MS);
        double ratio = fastScale / Math.max(scale, 1e-300);
        double variance = ramp(ratio, VARIANCE_LOW, VARIANCE_HIGH);
        double stuck = ramp(-repeats * Math.log10(Math.max(repeatRate, REPEAT_RATE_MIN)), STUCK_LOW, STUCK_HIGH);
        double score = Math.max(Math.max(Math.max(spike, shift), drift), Math.max(variance, stuck)) * confidence();
        components = new double[] {spike, shift, variance, stuck, z, drift};
        lastSurprise = surprise(Math.abs(z), shiftRatio * ramp(time - since, 0, DAY_MS),
                departure * ramp(time - since, DAY_MS, 2 * DAY_MS), ratio,
                -repeats * Math.log10(Math.max(repeatRate, REPEAT_RATE_MIN)));

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
        double raw = value - slowLevel - fullSeason(time);
        // the season's own error scale: early on it is the whole unlearnt swing, far above the one-step residual
        double seasonClip = seen <= settings.warmUp() ? Double.POSITIVE_INFINITY : CLIP * MAD_TO_SIGMA * seasonScale;
        double error = clamp(raw, -seasonClip, seasonClip);
        seasonScale += Math.max(alpha(dt, settings.scaleHalfLife().toMillis()), warm)
                * (Math.min(Math.abs(raw), SCALE_CLIP / CLIP * seasonClip) - seasonScale);
        slowLevel += Math.max(alpha(dt, settings.seasonReferenceHalfLife().toMillis()), warm) * error;
        if (shifting) {
            // a recognised jump is not a drift: the reference jumps with it
            slowLevel = level;
        }
        double departure = Math.abs(level - slowLevel);
        double departureLimit = seen <= settings.warmUp() ? Double.POSITIVE_INFINITY : 2 * DRIFT_LOW * usualDeparture;
        usualDeparture += Math.max(alpha(dt, settings.departureHalfLife().toMillis()), warm)
                * (Math.min(departure, departureLimit) - usualDeparture);
        if (dt > 0) {
            learnSeason(time, Math.min(dt, HOUR_MS), error);
        }
        {
            double absRes = Math.abs(residual);
            // after a recognised jump the old noise level says nothing (a series that sat still has none at all)
            double limit = seen <= settings.warmUp() || shifting ? Double.POSITIVE_INFINITY : SCALE_CLIP * sigma;
            scale += Math.max(alpha(dt, settings.scaleHalfLife().toMillis()), warm) * (Math.min(absRes, limit) - scale);
        }
        double usualLimit = seen <= settings.warmUp() || shifting ? Double.POSITIVE_INFINITY
                : 2 * SHIFT_LOW * usualRecentMean;
        usualRecentMean += Math.max(alpha(dt, settings.scaleHalfLife().toMillis()), warm)
                * (Math.min(Math.abs(recentMean), usualLimit) - usualRecentMean);
        fastScale += Math.max(alpha(dt, settings.fastScaleHalfLife().toMillis()), warm)
                * (Math.min(Math.abs(residual), 3 * CLIP * sigma) - fastScale);
        repeatRate += REPEAT_RATE_ALPHA * ((repeat ? 1 : 0) - repeatRate);
        interval = interval == 0 ? dt : interval + INTERVAL_ALPHA * (Math.min(dt, 10 * interval) - interval);
        lastValue = value;
        lastTime = time;
    }

    /**
     * Moves the two daily buckets around {@code time} and its weekday bucket towards {@code error}, then takes the
     * moves' mean out of each profile: profiles stay zero-mean, so they never drift against the level.
     * Early on a bucket's memory is what it has seen so far, so the first days learn fast (a running mean).
     */
    private void learnSeason(long time, long weightMs, double error) {
        double pos = hourPosition(time);
        int i0 = (int) Math.floor(pos);
        double w1 = pos - i0;
        int h0 = Math.floorMod(i0, HOURS);
        int h1 = (h0 + 1) % HOURS;
        long age = Math.max(time - since, 1);
        double gd = alpha(weightMs, (long) clamp(age / HOURS, weightMs, settings.dailyMemory().toMillis()));
        float d0 = (float) (gd * (1 - w1) * error);
        float d1 = (float) (gd * w1 * error);
        float dailyMean = (d0 + d1) / HOURS;
        for (int i = 0; i < HOURS; i++) {
            daily[i] -= dailyMean;
        }
        daily[h0] += d0;
        daily[h1] += d1;
        int d = dayOfWeek(time);
        double gw = alpha(weightMs, settings.weeklyMemory().toMillis());
        float dw = (float) (gw * (error - (1 - w1) * d0 - w1 * d1));
        for (int i = 0; i < DAYS; i++) {
            weekly[i] -= dw / DAYS;
        }
        weekly[d] += dw;
    }

    /**
     * The seasonal part of the forecast. The weekly profile fades in over the second week: before every weekday
     * has been seen it is mostly the first days' learning errors, and a sudden switch would step at midnight.
     */
    private double season(long time) {
        return dailySeason(time) + weekly[dayOfWeek(time)] * ramp(time - since, DAYS * DAY_MS, 2 * DAYS * DAY_MS);
    }

    private double fullSeason(long time) {
        return dailySeason(time) + weekly[dayOfWeek(time)];
    }

    private double dailySeason(long time) {
        double pos = hourPosition(time);
        int i0 = (int) Math.floor(pos);
        double w1 = pos - i0;
        int h0 = Math.floorMod(i0, HOURS);
        return (1 - w1) * daily[h0] + w1 * daily[(h0 + 1) % HOURS];
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
        seasonScale = 0;
        usualDeparture = 0;
        trend = 0;
        scale = 0;
        fastScale = 0;
        recentMean = 0;
        usualRecentMean = 0;
        lastValue = value;
        repeatRate = REPEAT_RATE_MIN;
        repeats = 0;
        interval = 0;
        seen = 1;
        lastScore = 0;
        java.util.Arrays.fill(daily, 0f);
        java.util.Arrays.fill(weekly, 0f);
    }

    /**
     * After a gap the old level says little about the new reading (the series moved meanwhile): restart it from
     * this reading, keep what was learnt about noise and seasons, and be less sure for a while.
     */
    private void restartLevel(long time, double value, long dt) {
        level = value - season(time);
        if (dt > settings.seasonReferenceHalfLife().toMillis()) {
            slowLevel = level;
        }
        trend = 0;
        recentMean = 0;
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

    /**
     * The five detectors' statistics on one scale, unclamped: each maps its "unremarkable" end to 4 and its
     * "certain" end to 7 on the spike detector's −log10 tail probability scale, and their maximum is expressed as
     * the |z| of a normal variable with that tail probability. Their maximum is continuous, so
     * its own distribution per series can be learnt ({@link SeriesAnomaly}), which the clamped score cannot.
     */
    private static double surprise(double absZ, double shiftRatio, double departure, double ratio, double stuck) {
        double spike = -log10TwoSidedTail(absZ);
        double shift = rescale(shiftRatio, SHIFT_LOW, SHIFT_HIGH);
        double drift = rescale(departure, DRIFT_LOW, DRIFT_HIGH);
        double variance = rescale(ratio, VARIANCE_LOW, VARIANCE_HIGH);
        double repeat = rescale(stuck, STUCK_LOW, STUCK_HIGH);
        double log10Tail = Math.min(MAX_SURPRISE,
                Math.max(Math.max(Math.max(spike, shift), drift), Math.max(variance, repeat)));
        // as the |z| of a normal variable with that tail: tails grow linearly on this scale, not quadratically
        return Math.sqrt(2 * Math.log(10) * Math.max(0, log10Tail));
    }

    private static double rescale(double x, double low, double high) {
        return SPIKE_LOW + (SPIKE_HIGH - SPIKE_LOW) * (x - low) / (high - low);
    }

    /**
     * The raw surprise of the last reading: the strongest detector's statistic as an equivalent normal |z|
     * (0 for a reading that (re)started the model). Uncalibrated; {@link SeriesAnomaly} judges it against the
     * series' own past surprises.
     */
    public double surprise() {
        return lastSurprise;
    }

    /** The usual time between readings in ms (0 before the second reading). */
    public double usualInterval() {
        return interval;
    }

    /** The score of the last reading (0 before any). */
    public double lastScore() {
        return lastScore;
    }

    /** The model's state in {@value #STATE_BYTES} bytes, for Flink state and for measuring it. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(STATE_BYTES);
        b.put(VERSION).putLong(lastTime).putLong(since);
        b.putDouble(level).putDouble(slowLevel).putDouble(seasonScale).putDouble(usualDeparture).putDouble(trend).putDouble(scale).putDouble(fastScale).putDouble(recentMean)
                .putDouble(usualRecentMean).putDouble(lastValue).putDouble(repeatRate).putDouble(lastScore)
                .putDouble(interval);
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
        m.seasonScale = b.getDouble();
        m.usualDeparture = b.getDouble();
        m.trend = b.getDouble();
        m.scale = b.getDouble();
        m.fastScale = b.getDouble();
        m.recentMean = b.getDouble();
        m.usualRecentMean = b.getDouble();
        m.lastValue = b.getDouble();
        m.repeatRate = b.getDouble();
        m.lastScore = b.getDouble();
        m.interval = b.getDouble();
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

package io.vigil.job.anomaly;

import java.nio.ByteBuffer;

/**
 * What a duty officer sees of one series' {@link AnomalyModel} (docs/anomaly.md): the model's raw surprise judged
 * against the series' own past surprises (the "anomaly likelihood" of Ahmad et al. 2017, here with exponentially
 * weighted moments of the surprise), so a noisy series and a quiet one alarm equally rarely; and incident onsets
 * with a refractory period, so one anomaly pages once.
 *
 * <p>Per reading, {@link #update} returns an {@link Assessment}: the calibrated {@code score} in [0, 1] (0.5 = the
 * alarm threshold, in the extreme tail of the series' own surprises; what dashboards plot) and {@code onset}, true
 * on the one reading where an incident should open. Causal: each reading is judged on earlier readings only, so the
 * same readings in the same order give the same assessments live and replayed. Constant memory:
 * {@link #toBytes} is {@value #STATE_BYTES} bytes.
 */
public final class SeriesAnomaly {
    /**
     * @param score calibrated anomaly score in [0, 1]; at or above 0.5 the reading is anomalous for this series
     * @param onset this reading starts an incident (the first anomalous reading after a quiet spell, or one whose
     *              evidence is clearly stronger than the last onset's within the refractory period)
     */
    public record Assessment(double score, boolean onset) {
        public static final double ANOMALOUS = 0.5;
    }

    static final int STATE_BYTES = AnomalyModel.STATE_BYTES + 1 + 8 * 4 + 8 * 4 + 4 * 2 + 1;
    private static final byte VERSION = 1;
    private static final long NEVER = Long.MIN_VALUE;
    private static final long MINUTE_MS = 60_000L;
    private static final long HOUR_MS = 60 * MINUTE_MS;
    /** Warm-up: no score before this many readings AND this much event time since the series (re)started. */
    static final int WARM_UP_READINGS = 60;
    static final long WARM_UP_MS = 2 * HOUR_MS;
    /** Memory of the surprise distribution: a running mean over the first readings, then this many readings. */
    static final int SURPRISE_MEMORY = 2000;
    /** A surprise counts at most this many usual deviations above the mean when learning, so alarms stay rare. */
    static final double LEARN_CLIP = 4;
    /** Smallest usual deviation of the surprise: a series that never surprised still needs real evidence. */
    static final double MIN_DEVIATION = 0.2;
    /** Evidence (surprise above its mean in usual deviations) at which the score reaches 0.5, and its ramp width. */
    static final double ALARM_EVIDENCE = 12;
    static final double EVIDENCE_WIDTH = 6;
    /** An anomalous spell goes on while the evidence stays above this. */
    static final double CONTINUE_EVIDENCE = 5;
    /** A value beyond the series' whole range so far by this share of the range is evidence on its own. */
    static final double RANGE_MARGIN = 0.2;
    static final double RANGE_EVIDENCE = ALARM_EVIDENCE + EVIDENCE_WIDTH / 2;
    /**
     * After an onset no other for this long and this many readings, unless the evidence is this many times the
     * strongest of the spell that paged.
     */
    static final long REFRACTORY_MS = 6 * HOUR_MS;
    static final int REFRACTORY_READINGS = 12;
    static final double STRONGER = 2;

    private final AnomalySettings settings;
    private final AnomalyModel model;
    private long since = NEVER;
    private long lastTime = NEVER;
    private long lastOnset = NEVER;
    private double mean;
    private double deviation;
    private double min;
    private double max;
    /** The strongest evidence of the current spell, or of the last onset's one once it ended. */
    private double strongest;
    private double lastScore;
    private int learnt;
    private int count;
    private int sinceOnset;
    private boolean spell;

    public SeriesAnomaly(AnomalySettings settings) {
        this(settings, new AnomalyModel(settings));
    }

    private SeriesAnomaly(AnomalySettings settings, AnomalyModel model) {
        this.settings = settings;
        this.model = model;
    }

    /** Assesses the reading at {@code time} (epoch ms, not before the previous one), then learns from it. */
    public Assessment update(long time, double value) {
        model.update(time, value);
        if (lastTime == NEVER || time - lastTime > settings.forgetAfter().toMillis()) {
            restart(time, value);
        }
        lastTime = time;
        count = Math.min(count + 1, 1 << 30);
        sinceOnset = Math.min(sinceOnset + 1, 1 << 30);
        double surprise = model.surprise();
        boolean warm = count < WARM_UP_READINGS || time - since < WARM_UP_MS;
        double deviationNow = Math.max(deviation, MIN_DEVIATION);
        double evidence = (surprise - mean) / deviationNow;
        double range = max - min;
        boolean beyond = value > max + RANGE_MARGIN * range || value < min - RANGE_MARGIN * range;
        if (beyond && range > 0) {
            evidence = Math.max(evidence, RANGE_EVIDENCE);
        }
        double score = 0;
        boolean onset = false;
        if (!warm) {
            score = clamp(0.5 + (evidence - ALARM_EVIDENCE) / EVIDENCE_WIDTH, 0, 1);
            boolean anomalous = score >= Assessment.ANOMALOUS || spell && evidence >= CONTINUE_EVIDENCE;
            if (anomalous) {
                score = Math.max(score, Assessment.ANOMALOUS);
                boolean quiet = lastOnset == NEVER
                        || time - lastOnset >= REFRACTORY_MS && sinceOnset > REFRACTORY_READINGS;
                onset = !spell && quiet || evidence >= STRONGER * strongest;
                strongest = Math.max(strongest, evidence);
            }
            spell = anomalous;
        }
        if (onset) {
            lastOnset = time;
            sinceOnset = 0;
            strongest = evidence;
        }
        learn(surprise, value);
        lastScore = score;
        return new Assessment(score, onset);
    }

    private void learn(double surprise, double value) {
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (count <= settings.warmUp()) {
            return; // the model's own first surprises say nothing about the series
        }
        learnt = Math.min(learnt + 1, SURPRISE_MEMORY);
        double alpha = 1.0 / learnt;
        double clipped = learnt > 1 ? Math.min(surprise, mean + LEARN_CLIP * Math.max(deviation, MIN_DEVIATION))
                : surprise;
        mean += alpha * (clipped - mean);
        deviation += alpha * (Math.abs(clipped - mean) - deviation);
    }

    private void restart(long time, double value) {
        since = time;
        lastOnset = NEVER;
        mean = 0;
        deviation = 0;
        min = value;
        max = value;
        strongest = 0;
        lastScore = 0;
        learnt = 0;
        count = 0;
        sinceOnset = 1 << 30;
        spell = false;
    }

    private static double clamp(double x, double low, double high) {
        return Math.max(low, Math.min(high, x));
    }

    /** The calibrated score of the last reading (0 before any). */
    public double lastScore() {
        return lastScore;
    }

    /** The state in {@value #STATE_BYTES} bytes (the model's, then the calibration's), for Flink state. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(STATE_BYTES);
        b.put(model.toBytes()).put(VERSION);
        b.putLong(since).putLong(lastTime).putLong(lastOnset).putLong(learnt);
        b.putDouble(mean).putDouble(deviation).putDouble(min).putDouble(max);
        b.putDouble(strongest).putDouble(lastScore);
        b.putInt(count).putInt(sinceOnset).put((byte) (spell ? 1 : 0));
        return b.array();
    }

    /** A series restored from {@link #toBytes}; null or empty bytes give a fresh one. */
    public static SeriesAnomaly fromBytes(AnomalySettings settings, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new SeriesAnomaly(settings);
        }
        if (bytes.length != STATE_BYTES || bytes[AnomalyModel.STATE_BYTES] != VERSION) {
            throw new IllegalArgumentException("unknown series anomaly state: " + bytes.length + " bytes");
        }
        byte[] modelBytes = java.util.Arrays.copyOf(bytes, AnomalyModel.STATE_BYTES);
        SeriesAnomaly s = new SeriesAnomaly(settings, AnomalyModel.fromBytes(settings, modelBytes));
        ByteBuffer b = ByteBuffer.wrap(bytes, AnomalyModel.STATE_BYTES + 1, STATE_BYTES - AnomalyModel.STATE_BYTES - 1);
        s.since = b.getLong();
        s.lastTime = b.getLong();
        s.lastOnset = b.getLong();
        s.learnt = (int) b.getLong();
        s.mean = b.getDouble();
        s.deviation = b.getDouble();
        s.min = b.getDouble();
        s.max = b.getDouble();
        s.strongest = b.getDouble();
        s.lastScore = b.getDouble();
        s.count = b.getInt();
        s.sinceOnset = b.getInt();
        s.spell = b.get() == 1;
        return s;
    }
}

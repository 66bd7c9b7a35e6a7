package io.vigil.job.anomaly;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What a duty officer sees of one series' {@link AnomalyModel} (docs/anomaly.md). The model's raw surprise is
 * judged against the series' own past surprises ({@link SurpriseTail}: the "anomaly likelihood" idea of Ahmad et
 * al. 2017, with a peaks-over-threshold tail so that heavy-tailed series are judged fairly), and turned into how
 * often a surprise this large would occur by chance: a reading is anomalous when that is less than once per
 * {@link #RARITY_MS} of the series' own readings. A value beyond everything the series has shown so far is strong
 * evidence by itself. Incidents open on the onset of an anomalous spell, then the series stays quiet for a
 * refractory period unless the evidence gets clearly stronger; the spell (score held at 0.5) lasts while readings
 * stay nearly as rare, or stay far from the series' usual value.
 *
 * <p>Per reading, {@link #update} returns an {@link Assessment}: the calibrated {@code score} in [0, 1] (0.5 = the
 * alarm threshold; what dashboards plot) and {@code onset}, true on the one reading where an incident should open.
 * Causal: each reading is judged on earlier readings only, so the same readings in the same order give the same
 * assessments live and replayed. Constant memory: {@link #toBytes} is {@value #STATE_BYTES} bytes.
 */
public final class SeriesAnomaly {
    /**
     * @param score calibrated anomaly score in [0, 1]; at or above {@link #ANOMALOUS} the reading is anomalous for
     *              this series (0.5: as rare as the alarm rarity; 1: a hundred times rarer)
     * @param onset this reading starts an incident: the first anomalous reading after a quiet spell (no onset
     *              within the refractory period unless the evidence is clearly stronger than the last onset's)
     */
    public record Assessment(double score, boolean onset) {
        public static final double ANOMALOUS = 0.5;
    }

    static final int STATE_BYTES = AnomalyModel.STATE_BYTES + 1 + 8 * 4 + 8 * 7 + 4 * 3 + 2 + SurpriseTail.BYTES;
    private static final byte VERSION = 1;
    private static final long NEVER = Long.MIN_VALUE;
    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;
    /** Warm-up: no score before this many readings AND this much event time since the series (re)started. */
    static final int WARM_UP_READINGS = 60;
    static final long WARM_UP_MS = 2 * HOUR_MS;
    /** Anomalous: a surprise this large is expected less than once in this much of the series' readings. */
    static final long RARITY_MS = 30 * DAY_MS;
    /** Score per decade of rarity beyond the alarm rarity (0.5 at the alarm rarity, 1 at a hundred times it). */
    static final double SCORE_PER_DECADE = 0.25;
    /** An anomalous spell goes on while the surprise is at most this many decades more common than the rarity. */
    static final double CONTINUE_DECADES = -1.5;
    /**
     * A value beyond the series' whole range so far by this share of the range is this many decades beyond the
     * alarm rarity, once the range has been watched for this many readings and this long.
     */
    static final double RANGE_MARGIN = 0.2;
    static final double RANGE_DECADES = 1;
    static final int RANGE_READINGS = 120;
    static final long RANGE_MS = 6 * HOUR_MS;
    /** After an onset no other for this long and this many readings, unless this many decades rarer. */
    static final long REFRACTORY_MS = 6 * HOUR_MS;
    static final int REFRACTORY_READINGS = 12;
    static final double STRONGER_DECADES = 1;
    /**
     * A surprise this close to anomalous is learnt as a capped peak: at most {@link #FIRST_EXCESSES} mean excesses
     * above the tail's threshold for the first of a run, {@link #RUN_EXCESSES} for the rest. A lasting anomaly must
     * not teach the tail that it is normal, while recurring short bursts should become normal after a while.
     */
    static final double LEARN_AS_ANOMALY = -1;
    static final double FIRST_EXCESSES = 10;
    static final double RUN_EXCESSES = 3;
    /**
     * An anomalous spell also goes on while the value stays more than this many usual deviations from the series'
     * usual value (exponentially weighted over this many readings, learnt outside spells only), for at least this
     * many readings and this long: the model's level follows a lasting excursion, the usual value does not.
     */
    static final double HOLD_DEVIATIONS = 4;
    static final int USUAL_READINGS = 200;
    static final int HOLD_READINGS = 24;
    static final long HOLD_MS = 6 * HOUR_MS;

    private final AnomalySettings settings;
    private final AnomalyModel model;
    private SurpriseTail tail = new SurpriseTail();
    private long since = NEVER;
    private long lastTime = NEVER;
    private long lastOnset = NEVER;
    private double min;
    private double max;
    /** The strongest evidence (decades beyond the alarm rarity) of the current spell or the last onset's. */
    private double strongest;
    private double lastScore;
    private double lastEvidence;
    private int count;
    private int sinceOnset;
    private int spellReadings;
    private long spellStart;
    private double usual;
    private double usualDeviation;
    private boolean spell;
    private boolean wasNear;

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
        double interval = Math.max(model.usualInterval(), 1);
        double evidence = Math.log10(interval / RARITY_MS) - tail.log10Tail(surprise);
        double range = max - min;
        boolean rangeKnown = count >= RANGE_READINGS && time - since >= RANGE_MS && range > 0;
        if (rangeKnown && (value > max + RANGE_MARGIN * range || value < min - RANGE_MARGIN * range)) {
            evidence = Math.max(evidence, RANGE_DECADES);
        }
        double score = 0;
        boolean onset = false;
        if (!warm) {
            score = clamp(Assessment.ANOMALOUS + SCORE_PER_DECADE * evidence, 0, 1);
            boolean away = Math.abs(value - usual) > HOLD_DEVIATIONS * Math.max(usualDeviation, 1e-12)
                    && (spellReadings < HOLD_READINGS || time - spellStart < HOLD_MS);
            boolean anomalous = evidence >= 0 || spell && (evidence >= CONTINUE_DECADES || away);
            if (anomalous) {
                score = Math.max(score, Assessment.ANOMALOUS);
                boolean quiet = lastOnset == NEVER
                        || time - lastOnset >= REFRACTORY_MS && sinceOnset > REFRACTORY_READINGS;
                onset = !spell && (quiet || evidence >= strongest + STRONGER_DECADES);
                strongest = Math.max(strongest, evidence);
            }
            if (anomalous && !spell) {
                spellStart = time;
                spellReadings = 0;
            }
            spellReadings = anomalous ? spellReadings + 1 : 0;
            spell = anomalous;
        }
        if (onset) {
            lastOnset = time;
            sinceOnset = 0;
            strongest = evidence;
        }
        boolean near = evidence >= LEARN_AS_ANOMALY;
        if (count > settings.warmUp()) { // the model's own first surprises say nothing about the series
            tail.learn(surprise, !near ? Double.POSITIVE_INFINITY : wasNear ? RUN_EXCESSES : FIRST_EXCESSES);
        }
        wasNear = near;
        if (!spell) {
            double a = count <= 1 ? 1 : Math.max(1.0 / count, 1.0 / USUAL_READINGS);
            usual += a * (value - usual);
            usualDeviation += a * (Math.abs(value - usual) - usualDeviation);
        }
        min = Math.min(min, value);
        max = Math.max(max, value);
        lastScore = score;
        lastEvidence = evidence;
        return new Assessment(score, onset);
    }

    private void restart(long time, double value) {
        tail = new SurpriseTail();
        since = time;
        lastOnset = NEVER;
        min = value;
        max = value;
        strongest = 0;
        lastScore = 0;
        count = 0;
        sinceOnset = 1 << 30;
        spell = false;
        wasNear = false;
        spellReadings = 0;
        spellStart = time;
        usual = value;
        usualDeviation = 0;
    }

    private static double clamp(double x, double low, double high) {
        return Math.max(low, Math.min(high, x));
    }

    /** The calibrated score of the last reading (0 before any). */
    public double lastScore() {
        return lastScore;
    }

    /** Decades of rarity beyond the alarm rarity of the last reading: for tests and tuning. */
    double lastEvidence() {
        return lastEvidence;
    }

    /** The state in {@value #STATE_BYTES} bytes (the model's, then the calibration's), for Flink state. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(STATE_BYTES);
        b.put(model.toBytes()).put(VERSION);
        b.putLong(since).putLong(lastTime).putLong(lastOnset).putLong(spellStart);
        b.putDouble(min).putDouble(max).putDouble(strongest).putDouble(lastScore).putDouble(lastEvidence)
                .putDouble(usual).putDouble(usualDeviation);
        b.putInt(count).putInt(sinceOnset).putInt(spellReadings).put((byte) (spell ? 1 : 0)).put((byte) (wasNear ? 1 : 0));
        tail.write(b);
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
        SeriesAnomaly s = new SeriesAnomaly(settings,
                AnomalyModel.fromBytes(settings, Arrays.copyOf(bytes, AnomalyModel.STATE_BYTES)));
        ByteBuffer b = ByteBuffer.wrap(bytes, AnomalyModel.STATE_BYTES + 1, STATE_BYTES - AnomalyModel.STATE_BYTES - 1);
        s.since = b.getLong();
        s.lastTime = b.getLong();
        s.lastOnset = b.getLong();
        s.spellStart = b.getLong();
        s.min = b.getDouble();
        s.max = b.getDouble();
        s.strongest = b.getDouble();
        s.lastScore = b.getDouble();
        s.lastEvidence = b.getDouble();
        s.usual = b.getDouble();
        s.usualDeviation = b.getDouble();
        s.count = b.getInt();
        s.sinceOnset = b.getInt();
        s.spellReadings = b.getInt();
        s.spell = b.get() == 1;
        s.wasNear = b.get() == 1;
        s.tail = SurpriseTail.read(b);
        return s;
    }
}

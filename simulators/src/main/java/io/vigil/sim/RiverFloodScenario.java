package io.vigil.sim;

import java.time.Duration;
import java.util.List;

/**
 * The demo: river gauges around a city measure {@code water_level} in metres. Every gauge sits near 3.0 m with a
 * seeded offset, a slow diurnal wobble and a little noise, and stays well below the pre-warning level. The flood
 * gauge (device 0, zone "riverside") is hit by a flood wave that a rule
 * {@code water_level above 4.0, warn 3.6, clear 3.5, for 5s, clear_for 10s} follows through PRE_WARNING, ALARM,
 * RECOVERING and CLOSED within two minutes at time scale 1.
 *
 * <p>Flood wave in scenario seconds: level until 10 s, smooth rise to the 4.6 m crest at 35 s (crossing 3.6 near
 * 20 s and 4.0 near 25 s), crest until 55 s, smooth fall back to the base level at 80 s (below 4.0 near 65 s,
 * below 3.5 near 71 s). Scenario time runs {@code timeScale} times faster than elapsed time, so tests can replay
 * the wave in a few seconds.
 */
public final class RiverFloodScenario implements Scenario {
    public static final String NAME = "river-flood";
    public static final String METRIC = "water_level";
    public static final String UNIT = "m";
    public static final String SITE = "city";
    public static final List<String> ZONES = List.of("riverside", "harbour", "old-town");
    /** The device the flood wave hits. */
    public static final int FLOOD_GAUGE = 0;
    public static final double PRE_WARNING_LEVEL = 3.6;
    public static final double ALARM_LIMIT = 4.0;
    public static final double CLEAR_LEVEL = 3.5;

    static final double BASE_LEVEL = 3.0;
    static final double CREST = 4.6;
    static final double RISE_START_S = 10;
    static final double CREST_START_S = 35;
    static final double CREST_END_S = 55;
    static final double FALL_END_S = 80;
    // Worst case for other gauges: 3.0 + 0.15 + 0.05 + 0.02 = 3.22 m, far from the 3.6 m pre-warning level.
    static final double OFFSET_AMPLITUDE = 0.15;
    static final double WOBBLE_AMPLITUDE = 0.05;
    static final double NOISE_AMPLITUDE = 0.02;
    private static final double DAY_S = 86_400;
    private static final long OFFSET_KEY = -1;
    private static final long PHASE_KEY = -2;

    private final long seed;
    private final double timeScale;

    public RiverFloodScenario(long seed, double timeScale) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be a positive number, got " + timeScale);
        }
        this.seed = seed;
        this.timeScale = timeScale;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String site(int index) {
        return SITE;
    }

    @Override
    public String zone(int index) {
        return ZONES.get(Math.floorMod(index, ZONES.size()));
    }

    @Override
    public Measurement measure(int index, long elapsedMillis) {
        double noise = SeededNoise.symmetric(seed, index, elapsedMillis, NOISE_AMPLITUDE);
        return new Measurement(METRIC, toMillimetres(expectedLevel(index, elapsedMillis) + noise), UNIT);
    }

    /** The level without measurement noise: the ground truth a detector should react to. */
    public double expectedLevel(int index, long elapsedMillis) {
        double s = scenarioSeconds(elapsedMillis);
        double offset = index == FLOOD_GAUGE ? 0 : SeededNoise.symmetric(seed, index, OFFSET_KEY, OFFSET_AMPLITUDE);
        double phase = SeededNoise.uniform(seed, index, PHASE_KEY) * 2 * Math.PI;
        double wobble = WOBBLE_AMPLITUDE * Math.sin(2 * Math.PI * s / DAY_S + phase);
        double wave = index == FLOOD_GAUGE ? floodWave(s) : 0;
        return BASE_LEVEL + offset + wobble + wave;
    }

    /**
     * When the flood gauge's noise-free level first reaches {@code level} and when it last drops below it, as
     * elapsed time since the start of the run. Null unless the wave both reaches the level and drops below it again.
     */
    public Crossing expectedCrossing(double level) {
        long endMillis = (long) Math.ceil(FALL_END_S * 1000 / timeScale) + 1000;
        long step = Math.max(1, Math.round(1 / timeScale));
        Long rises = null;
        Long falls = null;
        for (long t = 0; t <= endMillis; t += step) {
            boolean above = expectedLevel(FLOOD_GAUGE, t) >= level;
            if (above && rises == null) {
                rises = t;
            }
            if (above) {
                falls = null;
            } else if (rises != null && falls == null) {
                falls = t;
            }
        }
        return rises == null || falls == null ? null
                : new Crossing(level, Duration.ofMillis(rises), Duration.ofMillis(falls));
    }

    /** When the flood gauge is above the alarm limit: the incident a detector must find. */
    public Crossing expectedAlarm() {
        return expectedCrossing(ALARM_LIMIT);
    }

    /** Elapsed time after which the flood gauge is back at its base level for good. */
    public Duration waveEnd() {
        return Duration.ofMillis((long) Math.ceil(FALL_END_S * 1000 / timeScale));
    }

    /** A level crossing of the flood gauge: at or above {@code level} from {@code rises} until {@code falls}. */
    public record Crossing(double level, Duration rises, Duration falls) {
        public Duration above() {
            return falls.minus(rises);
        }
    }

    private double scenarioSeconds(long elapsedMillis) {
        return elapsedMillis / 1000.0 * timeScale;
    }

    // Raised-cosine ramps: no kinks, so the rate of rise is realistic and crossings are clean.
    private static double floodWave(double s) {
        double height = CREST - BASE_LEVEL;
        if (s <= RISE_START_S || s >= FALL_END_S) {
            return 0;
        }
        if (s < CREST_START_S) {
            return height * ramp((s - RISE_START_S) / (CREST_START_S - RISE_START_S));
        }
        if (s <= CREST_END_S) {
            return height;
        }
        return height * (1 - ramp((s - CREST_END_S) / (FALL_END_S - CREST_END_S)));
    }

    private static double ramp(double u) {
        return (1 - Math.cos(Math.PI * u)) / 2;
    }

    // Gauges report millimetres; rounding also keeps payloads short.
    private static double toMillimetres(double metres) {
        return Math.round(metres * 1000) / 1000.0;
    }
}

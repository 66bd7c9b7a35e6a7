package io.vigil.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenarios for evaluating detection: each knows its truth, i.e. for every device when a limit is truly crossed and
 * when it is truly safe again (or when the device freezes or goes silent). Signals are a seeded base level with
 * noise plus raised-cosine episodes (rise, hold, fall) whose timing, speed and height vary with the seed; the truth
 * is computed from the noise-free signal, so it is what a perfect detector would report.
 *
 * <p>Times: a run lasts {@link #length()} of elapsed time, one reading per device every {@link #interval()};
 * scenario time runs {@code timeScale} times faster than elapsed time, like {@link RiverFloodScenario}.
 */
public final class GroundTruthScenario implements Scenario {
    public static final List<String> NAMES =
            List.of("flood", "fire", "gas-leak", "air-quality", "frozen-sensor", "silent-device", "quiet");

    /** What is truly happening to one device: a crossing of {@code limit}, a frozen sensor, or a silent device. */
    public enum Kind { CROSSING, FROZEN, SILENT }

    /** One true event of one device, in elapsed time from the start of the run: it holds from {@code from} until {@code until}. */
    public record Truth(int device, String metric, Kind kind, double limit, Duration from, Duration until) {}

    /** One kind of sensor: its metric, normal level, noise, and the limits of the rule that watches it. */
    public record Sensor(String metric, String unit, double base, double noise, double warn, double limit) {}

    /** An episode on one device, in scenario seconds. */
    record Episode(int device, double startS, double riseS, double holdS, double fallS, double peak) {}

    private static final double DAY_S = 86_400;
    private static final String SITE = "city";

    private final String name;
    private final long seed;
    private final double timeScale;
    private final List<Sensor> sensors; // device i carries sensors.get(i % sensors.size())
    private final int devices;
    private final double lengthS;
    private final double intervalS;
    private final List<Episode> episodes = new ArrayList<>();
    private int frozenDevice = -1;
    private int silentDevice = -1;
    private double outageStartS;
    private double outageEndS;

    private GroundTruthScenario(String name, long seed, double timeScale, List<Sensor> sensors, int devices,
            double lengthS, double intervalS) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be a positive number, got " + timeScale);
        }
        this.name = name;
        this.seed = seed;
        this.timeScale = timeScale;
        this.sensors = sensors;
        this.devices = devices;
        this.lengthS = lengthS;
        this.intervalS = intervalS;
    }

    public static final Sensor WATER_LEVEL = new Sensor("water_level", "m", 3.0, 0.02, 3.6, 4.0);
    public static final Sensor TEMPERATURE = new Sensor("temperature", "Cel", 22, 0.3, 45, 60);
    public static final Sensor SMOKE = new Sensor("smoke", "%/m", 0.5, 0.05, 5, 10);
    public static final Sensor CO = new Sensor("co", "ppm", 2, 0.5, 35, 50);
    public static final Sensor PM25 = new Sensor("pm25", "ug/m3", 15, 3, 55, 75);

    /** A named scenario of one day (scenario time); {@code timeScale} 1 is real time. */
    public static GroundTruthScenario create(String name, long seed, double timeScale) {
        GroundTruthScenario s;
        switch (name) {
            case "flood" -> {
                s = new GroundTruthScenario(name, seed, timeScale, List.of(WATER_LEVEL), 4, DAY_S, 60);
                // two of four gauges flood; rises from 20 min (flash flood) to 3 h (slow river)
                s.episode(0, 4.3, 4.9, 1200, 10_800);
                s.episode(1, 4.3, 4.9, 1200, 10_800);
            }
            case "fire" -> {
                s = new GroundTruthScenario(name, seed, timeScale, List.of(TEMPERATURE, SMOKE), 4, DAY_S, 30);
                // station 0 (devices 0 and 1) burns: smoke first, then heat
                double start = 3600 * (2 + 10 * s.uniform(0, 10));
                s.episodes.add(new Episode(1, start, 240 + 360 * s.uniform(1, 11), 1800, 1800, 30 + 20 * s.uniform(1, 12)));
                s.episodes.add(new Episode(0, start + 120, 300 + 600 * s.uniform(0, 11), 1800, 2400, 150 + 150 * s.uniform(0, 12)));
            }
            case "gas-leak" -> {
                s = new GroundTruthScenario(name, seed, timeScale, List.of(CO), 3, DAY_S, 30);
                s.episode(0, 80, 200, 600, 3600);
            }
            case "air-quality" -> {
                s = new GroundTruthScenario(name, seed, timeScale, List.of(PM25), 3, DAY_S, 300);
                s.episode(0, 90, 180, 3600, 3 * 3600);
                s.episode(1, 90, 180, 3600, 3 * 3600);
            }
            case "frozen-sensor" -> {
                s = new GroundTruthScenario(name, seed, timeScale, List.of(WATER_LEVEL), 3, DAY_S, 60);
                s.frozenDevice = 0;
                s.outage();
            }
            case "silent-device" -> {
                s = new GroundTruthScenario(name, seed, timeScale, List.of(WATER_LEVEL), 3, DAY_S, 60);
                s.silentDevice = 0;
                s.outage();
            }
            case "quiet" -> s = new GroundTruthScenario(name, seed, timeScale, List.of(WATER_LEVEL), 4, DAY_S, 60);
            default -> throw new IllegalArgumentException(
                    "unknown scenario '" + name + "'; known: " + String.join(", ", NAMES));
        }
        return s;
    }

    /**
     * A seeded episode on {@code device}: peak in [minPeak, maxPeak), rise in [minRiseS, maxRiseS), starting 2..12 h,
     * holding as long as it rose and falling 1.5 times as long; it ends within the day for rises up to 3 h.
     */
    private void episode(int device, double minPeak, double maxPeak, double minRiseS, double maxRiseS) {
        double start = 3600 * (2 + 10 * uniform(device, 1));
        double rise = minRiseS + (maxRiseS - minRiseS) * uniform(device, 2);
        double peak = minPeak + (maxPeak - minPeak) * uniform(device, 3);
        episodes.add(new Episode(device, start, rise, rise, rise * 1.5, peak));
    }

    private void outage() {
        // whole seconds, so the truth's millisecond times are exact
        outageStartS = Math.floor(3600 * (4 + 8 * uniform(0, 4)));
        outageEndS = outageStartS + Math.floor(3600 * (2 + 4 * uniform(0, 5)));
    }

    private double uniform(int device, long key) {
        return SeededNoise.uniform(seed, device, -1000 - key);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String site(int index) {
        return SITE;
    }

    @Override
    public String zone(int index) {
        return "zone-" + index / sensors.size();
    }

    public int devices() {
        return devices;
    }

    public Sensor sensor(int index) {
        return sensors.get(Math.floorMod(index, sensors.size()));
    }

    public Duration length() {
        return elapsed(lengthS);
    }

    public Duration interval() {
        return elapsed(intervalS);
    }

    /** False while the device is silent: it sends nothing then. */
    public boolean reports(int index, long elapsedMillis) {
        double s = seconds(elapsedMillis);
        return index != silentDevice || s < outageStartS || s >= outageEndS;
    }

    @Override
    public Measurement measure(int index, long elapsedMillis) {
        Sensor sensor = sensor(index);
        double s = seconds(elapsedMillis);
        if (index == frozenDevice && s >= outageStartS && s < outageEndS) {
            // a frozen sensor repeats, exactly, the last value it measured
            long frozenAt = (long) Math.floor(outageStartS / intervalS) * Math.round(intervalS * 1000 / timeScale);
            return measure(index, frozenAt, sensor);
        }
        return measure(index, elapsedMillis, sensor);
    }

    private Measurement measure(int index, long elapsedMillis, Sensor sensor) {
        double noise = SeededNoise.symmetric(seed, index, elapsedMillis, sensor.noise());
        double value = Math.max(0, expected(index, elapsedMillis) + noise);
        return new Measurement(sensor.metric(), Math.round(value * 1000) / 1000.0, sensor.unit());
    }

    /** The noise-free value: what the device would measure with a perfect sensor. */
    public double expected(int index, long elapsedMillis) {
        double s = seconds(elapsedMillis);
        Sensor sensor = sensor(index);
        double offset = SeededNoise.symmetric(seed, index, -1, sensor.noise() * 3);
        double wobble = sensor.noise() * 2 * Math.sin(2 * Math.PI * s / DAY_S + 2 * Math.PI * SeededNoise.uniform(seed, index, -2));
        double value = sensor.base() + offset + wobble;
        for (Episode e : episodes) {
            if (e.device() == index) {
                value += (e.peak() - sensor.base()) * shape(e, s);
            }
        }
        return value;
    }

    /** Every true event, per device, in order of device then time. */
    public List<Truth> truth() {
        List<Truth> truth = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            Sensor sensor = sensor(d);
            Long from = null;
            for (double s = 0; s <= lengthS; s += 1) {
                boolean above = expectedAtSecond(d, s) >= sensor.limit();
                if (above && from == null) {
                    from = elapsed(s).toMillis();
                } else if (!above && from != null) {
                    truth.add(new Truth(d, sensor.metric(), Kind.CROSSING, sensor.limit(), Duration.ofMillis(from), elapsed(s)));
                    from = null;
                }
            }
            if (from != null) {
                truth.add(new Truth(d, sensor.metric(), Kind.CROSSING, sensor.limit(), Duration.ofMillis(from), length()));
            }
            if (d == frozenDevice || d == silentDevice) {
                truth.add(new Truth(d, sensor.metric(), d == frozenDevice ? Kind.FROZEN : Kind.SILENT, Double.NaN,
                        elapsed(outageStartS), elapsed(outageEndS)));
            }
        }
        return truth;
    }

    private double expectedAtSecond(int device, double s) {
        return expected(device, Math.round(s * 1000 / timeScale));
    }

    private static double shape(Episode e, double s) {
        double u = s - e.startS();
        if (u <= 0 || u >= e.riseS() + e.holdS() + e.fallS()) {
            return 0;
        }
        if (u < e.riseS()) {
            return ramp(u / e.riseS());
        }
        if (u <= e.riseS() + e.holdS()) {
            return 1;
        }
        return 1 - ramp((u - e.riseS() - e.holdS()) / e.fallS());
    }

    private static double ramp(double u) {
        return (1 - Math.cos(Math.PI * u)) / 2;
    }

    private double seconds(long elapsedMillis) {
        return elapsedMillis / 1000.0 * timeScale;
    }

    private Duration elapsed(double scenarioSeconds) {
        return Duration.ofMillis(Math.round(scenarioSeconds * 1000 / timeScale));
    }
}

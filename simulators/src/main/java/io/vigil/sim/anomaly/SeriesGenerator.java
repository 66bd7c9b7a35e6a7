package io.vigil.sim.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generator of realistic sensor series with ground truth. Normal behaviour: a level with a slow trend and
 * a weather-like random walk, a daily cycle of two harmonics, a weekend daytime bump, Gaussian noise whose
 * standard deviation itself varies over days, sampling intervals jittered by ±30 %, and gaps of hours without
 * readings. Into that it puts anomalies of the asked kinds, sized in multiples of the local noise, at least a day
 * apart and after a warm-up of {@link #WARM_UP_DAYS} days.
 */
public final class SeriesGenerator {
    public static final int WARM_UP_DAYS = 3;
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    /** Monday 2024-01-01 00:00 UTC: series start on a Monday so weekly effects line up with the calendar. */
    public static final long START = 1_704_067_200_000L;

    private final long seed;

    public SeriesGenerator(long seed) {
        this.seed = seed;
    }

    /**
     * Series number {@code index} (its own random stream): {@code days} long, with {@code perKind} anomalies of
     * each of {@code kinds} (none: a series of normal behaviour only).
     */
    public LabelledSeries series(int index, int days, List<AnomalyKind> kinds, int perKind) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + index);
        long interval = rnd.nextBoolean() ? MINUTE : 5 * MINUTE;
        double base = rnd.nextDouble(-20, 100);
        double sigma0 = rnd.nextDouble(0.05, 2);
        double daily1 = sigma0 * rnd.nextDouble(0, 25);
        double daily2 = sigma0 * rnd.nextDouble(0, 8);
        double phase1 = rnd.nextDouble(0, 2 * Math.PI);
        double phase2 = rnd.nextDouble(0, 2 * Math.PI);
        double weekend = sigma0 * rnd.nextDouble(-6, 6);
        double trendPerDay = sigma0 * rnd.nextDouble(-1, 1);
        double walkStep = sigma0 * rnd.nextDouble(0, 0.05) * Math.sqrt(interval / (double) MINUTE);
        double noisePeriodDays = rnd.nextDouble(2, 6);
        long end = START + days * DAY;

        List<LabelledWindow> windows = plan(rnd, kinds, perKind, days, interval);
        List<long[]> gaps = new ArrayList<>();
        int gapCount = rnd.nextInt(0, 3);
        for (int g = 0; g < gapCount; g++) {
            long at = START + rnd.nextLong(DAY, days * DAY - DAY);
            long len = rnd.nextLong(HOUR, 8 * HOUR);
            boolean clash = windows.stream().anyMatch(w -> at < w.end() + DAY / 2 && at + len > w.start() - DAY / 2);
            if (!clash) {
                gaps.add(new long[] {at, at + len});
            }
        }

        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        double walk = 0;
        double stuckValue = Double.NaN;
        for (long t = START; t < end; t += (long) (interval * rnd.nextDouble(0.7, 1.3))) {
            final long now = t;
            walk += walkStep * rnd.nextGaussian() - 0.001 * walk;
            if (gaps.stream().anyMatch(g -> now >= g[0] && now < g[1])) {
                continue;
            }
            double hours = Math.floorMod(t, DAY) / (double) HOUR;
            int dow = (int) Math.floorMod(Math.floorDiv(t - START, DAY), 7L);
            double sigma = sigma0 * (1 + 0.4 * Math.sin(2 * Math.PI * (t - START) / (noisePeriodDays * DAY)));
            double normal = base + trendPerDay * (t - START) / (double) DAY + walk
                    + daily1 * Math.sin(2 * Math.PI * hours / 24 + phase1)
                    + daily2 * Math.sin(4 * Math.PI * hours / 24 + phase2)
                    // weekends differ in daytime activity, not as a step at midnight
                    + (dow >= 5 ? weekend * (0.5 - 0.5 * Math.cos(2 * Math.PI * hours / 24)) : 0);
            double noise = sigma * rnd.nextGaussian();
            double value = normal + noise;
            boolean stuck = false;
            for (LabelledWindow w : windows) {
                double size = sizeOf(w, sigma0);
                switch (w.kind()) {
                    case SPIKE -> value += w.contains(t, 0) ? size : 0;
                    case LEVEL_SHIFT -> value += t >= w.start() ? size : 0;
                    case DRIFT -> value += t < w.start() ? 0
                            : size * Math.min(1, (t - w.start()) / (double) (w.end() - w.start()));
                    case VARIANCE_CHANGE -> value += w.contains(t, 0) ? noise * (Math.abs(size) / sigma0 - 1) : 0;
                    case STUCK -> stuck |= w.contains(t, 0);
                }
            }
            if (stuck) {
                if (Double.isNaN(stuckValue)) {
                    stuckValue = values.isEmpty() ? value : values.get(values.size() - 1);
                }
                value = stuckValue;
            } else {
                stuckValue = Double.NaN;
            }
            times.add(t);
            values.add(value);
        }
        String name = "series-" + index + (kinds.isEmpty() ? "-normal" : "-" + kinds.get(0).label());
        return new LabelledSeries(name, times.stream().mapToLong(Long::longValue).toArray(),
                values.stream().mapToDouble(Double::doubleValue).toArray(), windows);
    }

    /** Anomaly size in multiples of the series' typical noise; the sign is drawn from the window's start. */
    private double sizeOf(LabelledWindow w, double sigma0) {
        SplittableRandom r = new SplittableRandom(seed ^ w.start());
        double sign = r.nextBoolean() ? 1 : -1;
        return switch (w.kind()) {
            case SPIKE -> sign * sigma0 * r.nextDouble(6, 12);
            case LEVEL_SHIFT -> sign * sigma0 * r.nextDouble(4, 10);
            case DRIFT -> sign * sigma0 * r.nextDouble(8, 15);
            case VARIANCE_CHANGE -> sigma0 * r.nextDouble(3, 6);
            case STUCK -> 0;
        };
    }

    private static List<LabelledWindow> plan(SplittableRandom rnd, List<AnomalyKind> kinds, int perKind, int days,
                                             long interval) {
        List<AnomalyKind> todo = new ArrayList<>();
        for (AnomalyKind k : kinds) {
            for (int i = 0; i < perKind; i++) {
                todo.add(k);
            }
        }
        int slots = days - WARM_UP_DAYS - 1;
        if (todo.size() > slots) {
            throw new IllegalArgumentException(todo.size() + " anomalies do not fit into " + days + " days");
        }
        List<LabelledWindow> windows = new ArrayList<>();
        // one anomaly per day at most, on distinct days after the warm-up, at a random time of that day
        List<Integer> dayPool = new ArrayList<>();
        for (int d = WARM_UP_DAYS; d < days - 1; d++) {
            dayPool.add(d);
        }
        for (AnomalyKind k : todo) {
            int day = dayPool.remove(rnd.nextInt(dayPool.size()));
            long start = START + day * DAY + rnd.nextLong(0, DAY - 8 * HOUR);
            long length = switch (k) {
                case SPIKE -> (long) (interval * (1.3 + rnd.nextInt(0, 2))); // one to three readings
                case LEVEL_SHIFT -> 2 * HOUR;
                case DRIFT -> 6 * HOUR;
                case VARIANCE_CHANGE -> 3 * HOUR;
                case STUCK -> 2 * HOUR;
            };
            windows.add(new LabelledWindow(k, start, start + length));
        }
        windows.sort(java.util.Comparator.comparingLong(LabelledWindow::start));
        return windows;
    }
}

package io.vigil.common.incident;

/** Durations as an officer reads them: {@code 1d 2h 5m}, {@code 12m 30s}, {@code 850ms}. */
public final class HumanDurations {
    private HumanDurations() {}

    public static String format(long ms) {
        if (ms < 0) {
            return "-" + format(-ms);
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        long[] parts = {s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60};
        String[] units = {"d", "h", "m", "s"};
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] > 0) {
                out.append(out.isEmpty() ? "" : " ").append(parts[i]).append(units[i]);
            }
        }
        return out.toString();
    }
}

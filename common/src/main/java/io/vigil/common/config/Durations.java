package io.vigil.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of rules files, site files and command-line options (docs/rules.md, "Durations"): a
 * whole number and a unit {@code ms s m h d} ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d}), or
 * an ISO-8601 duration ({@code PT1M30S}); either in any case. Never negative; zero is left to the caller to refuse.
 * {@link #write} is its inverse, for handing a duration on as an argument; formatting durations for people is a
 * separate matter (the incident reports' own formatter).
 */
public final class Durations {
    /** What a duration looks like, for error messages: "expected " + LIKE + ", got ...". */
    public static final String LIKE = "a duration like 500ms, 10s, 5m, 1h or 1d";
    // 18 digits always fit a long; larger counts are refused rather than overflowing
    private static final Pattern SHORT = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

    private Durations() {}

    /** @throws IllegalArgumentException "expected a duration like ..., got "text"" */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d = t.startsWith("p") ? Duration.parse(t.toUpperCase(Locale.ROOT)) : shortForm(t);
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // a count too large for its unit, or not ISO-8601: refused below like any other bad spelling
        }
        throw new IllegalArgumentException("expected " + LIKE + ", got \"" + text + "\"");
    }

    /** The shortest text of this grammar that {@link #parse} reads back as {@code d}: {@code 90s}, {@code 2m}, {@code 0ms}. */
    public static String write(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a negative duration has no text in this grammar: " + d);
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString(); // below a millisecond only ISO-8601 is exact
        }
        long ms = d.toMillis();
        if (ms == 0) {
            return "0ms";
        }
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static Duration shortForm(String t) {
        Matcher m = SHORT.matcher(t);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}

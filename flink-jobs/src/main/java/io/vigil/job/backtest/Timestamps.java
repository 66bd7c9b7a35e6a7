package io.vigil.job.backtest;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Pattern;

/**
 * Timestamps of backtest input: ISO-8601 with an offset ({@code 2026-01-05T08:00:00Z}, {@code ...+01:00}) or
 * without one, and {@code yyyy-MM-dd HH:mm:ss} as spreadsheets and databases export it, optionally with fractional
 * seconds. A time without an offset is UTC: a backtest must not depend on the machine's time zone. An epoch time
 * as databases export it (InfluxDB: nanoseconds; Prometheus: seconds with a fraction) is read by its magnitude: a
 * whole part of 9 to 11 digits is seconds, 12 to 14 milliseconds, 15 to 17 microseconds, 18 or 19 nanoseconds (so
 * every time after 1973 is read right, and a small number is never taken for a time).
 */
public final class Timestamps {
    private Timestamps() {}

    public static final String FORMS = "ISO-8601, yyyy-MM-dd HH:mm:ss or epoch seconds, ms, µs or ns";
    private static final Pattern EPOCH = Pattern.compile("\\d{9,19}(\\.\\d+)?");

    /** Epoch milliseconds of {@code text}; throws {@link java.time.format.DateTimeParseException} if it is in no form. */
    public static long parse(String text) {
        String t = text.strip();
        if (EPOCH.matcher(t).matches()) {
            int digits = t.indexOf('.') < 0 ? t.length() : t.indexOf('.');
            int toMs = digits <= 11 ? 3 : digits <= 14 ? 0 : digits <= 17 ? -3 : -6;
            return new BigDecimal(t).movePointRight(toMs).longValue();
        }
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(t, OffsetDateTime::from,
                LocalDateTime::from);
        return parsed instanceof OffsetDateTime odt
                ? odt.toInstant().toEpochMilli()
                : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}

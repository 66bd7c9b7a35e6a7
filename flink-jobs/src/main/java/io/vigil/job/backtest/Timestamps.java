package io.vigil.job.backtest;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/**
 * Timestamps of backtest input: ISO-8601 with an offset ({@code 2026-01-05T08:00:00Z}, {@code ...+01:00}) or
 * without one, and {@code yyyy-MM-dd HH:mm:ss} as spreadsheets and databases export it, optionally with fractional
 * seconds. A time without an offset is UTC: a backtest must not depend on the machine's time zone.
 */
public final class Timestamps {
    private Timestamps() {}

    /** Epoch milliseconds of {@code text}; throws {@link java.time.format.DateTimeParseException} if it is in neither form. */
    public static long parse(String text) {
        String t = text.strip();
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

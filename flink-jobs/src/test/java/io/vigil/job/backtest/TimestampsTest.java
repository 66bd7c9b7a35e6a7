package io.vigil.job.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

/** The time forms backtest input is read in, epoch times by their magnitude. */
class TimestampsTest {
    static final long T = Instant.parse("2026-01-05T08:00:00.250Z").toEpochMilli();

    @Test
    void readsTextAndEpochTimesInEveryUnitExportsUse() {
        assertThat(Timestamps.parse("2026-01-05T08:00:00.250Z")).isEqualTo(T);
        assertThat(Timestamps.parse("2026-01-05 08:00:00.25")).isEqualTo(T);
        assertThat(Timestamps.parse("1767600000.25")).as("Prometheus: seconds with a fraction").isEqualTo(T);
        assertThat(Timestamps.parse("1767600000250")).as("milliseconds").isEqualTo(T);
        assertThat(Timestamps.parse("1767600000250000")).as("microseconds").isEqualTo(T);
        assertThat(Timestamps.parse("1767600000250000000")).as("InfluxDB: nanoseconds").isEqualTo(T);
        assertThat(Timestamps.parse(" 1767600000 ")).isEqualTo(T - 250);
    }

    @Test
    void aSmallNumberOrAWordIsNotATime() {
        for (String notATime : new String[] {"1.5", "12345678", "-1767600000", "yesterday", "2026-01-05"}) {
            assertThatThrownBy(() -> Timestamps.parse(notATime)).as(notATime)
                    .isInstanceOf(DateTimeParseException.class);
        }
    }
}

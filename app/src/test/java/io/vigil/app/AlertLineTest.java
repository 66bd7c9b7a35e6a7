package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.rules.RulesLoader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertLineTest {
    static final long T = Instant.parse("2026-12-06T11:00:00Z").toEpochMilli();
    static final AlertLine LINES = AlertLine.forRules(RulesLoader.parse("""
            rules:
              - id: river-level-high
                metric: water_level
                forecast: {above: 4.0, horizon: 2m, window: 20s, min_readings: 20}
                threshold: {above: 4.0, warn: 3.6, clear: 3.5, for: 5s}
                summary: "River level high at {zone}"
              - id: device-offline
                metric: water_level
                no_data: {expected_every: 1m, factor: 5}
                summary: "Gauge {device} offline in {zone}"
            """, "test rules"));

    static Alert alert(String rule, Phase phase, double value, double limit, long at, long startedAt, Long eta) {
        return new Alert(rule + ":gauge-3:water_level:" + startedAt, rule, "gauge-3", "north", "riverside-1",
                "water_level", phase, "critical", value, limit, at, startedAt, "summary of " + rule, "", null, eta,
                null, 0, null);
    }

    @Test
    void aForecastPreWarningSaysWhenTheLimitIsExpected() {
        String line = LINES.format(alert("river-level-high", Phase.PRE_WARNING, 3.3, 4.0, T, T, T + 80_500));

        assertThat(line).isEqualTo("ALERT PRE_WARNING river-level-high at riverside-1/gauge-3: water_level 3.30, limit 4.00,"
                + " expected to reach it at 2026-12-06T11:01:20Z (in 1m 20s)  incident river-level-high:gauge-3:water_level:"
                + T + " — summary of river-level-high");
    }

    @Test
    void aThresholdAlarmSaysValueAndLimitWithoutAnEta() {
        String line = LINES.format(alert("river-level-high", Phase.ALARM, 4.12, 4.0, T, T - 60_000, null));

        assertThat(line).startsWith("ALERT ALARM       river-level-high at riverside-1/gauge-3: water_level 4.12, limit 4.00  incident ")
                .doesNotContain("expected");
    }

    @Test
    void aNoDataAlarmSaysTheSilenceAsADurationNotMilliseconds() {
        String first = LINES.format(alert("device-offline", Phase.ALARM, 3.2, 300_000, T, T, null));
        String escalated = LINES.format(alert("device-offline", Phase.ALARM, 3.2, 300_000, T + 120_000, T, null));
        String back = LINES.format(alert("device-offline", Phase.CLOSED, 3.4, 300_000, T + 200_000, T, null));

        assertThat(first).contains("device-offline at riverside-1/gauge-3: no water_level for 5m (limit 5m), last value 3.20")
                .doesNotContain("300000");
        assertThat(escalated).contains("no water_level for 7m (limit 5m)");
        assertThat(back).contains("water_level reporting again, 3.40 (silence limit 5m)").doesNotContain("300000");
    }

    @Test
    void withoutTheRulesALineStillShowsValueAndLimit() {
        String line = new AlertLine(rule -> null).format(alert("device-offline", Phase.ALARM, 3.2, 300_000, T, T, null));

        assertThat(line).contains("water_level 3.20, limit 300000.00");
    }
}

package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Phase;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.Rule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AlertTextTest {
    @Test
    void aSilenceIsWrittenAsADurationNotAsMilliseconds() {
        Rule offline = new Rule("device-offline", "water_level", Glob.ANY, Glob.ANY,
                new NoData(Duration.ofMinutes(1), 5), "major", "{device} offline", "silent for more than {limit}");
        Signal silence = new Signal("device-offline", NoData.KIND, "gauge-1", "delta", "north", "water_level", "m",
                Level.ALARM, false, 3.2, 300_000, null, 0, false, 0);
        assertThat(AlertText.render(offline.description(), offline, silence, Phase.ALARM, "major", 300_000, 300_000,
                null, null)).isEqualTo("silent for more than 5m");
        assertThat(AlertText.duration(90_000)).isEqualTo("1m30s");
        assertThat(AlertText.duration(5_400_000)).isEqualTo("1h30m");
        assertThat(AlertText.duration(250)).isEqualTo("250ms");
    }

    @Test
    void otherLevelsStayNumbers() {
        Rule high = new Rule("high", "water_level", Glob.ANY, Glob.ANY,
                new NoData(Duration.ofMinutes(1), 5), "major", "{device}", "limit {limit}");
        Signal threshold = new Signal("high", "threshold", "gauge-1", "delta", "north", "water_level", "m",
                Level.ALARM, false, 4.2, 4.0, null, 0, false, 0);
        assertThat(AlertText.render(high.description(), high, threshold, Phase.ALARM, "major", 4.0, 4.0, null, null))
                .isEqualTo("limit 4.0");
    }

    @Test
    void placeholdersAreReplacedWhereverTheyStandAndAnythingElseStaysAsWritten() {
        Rule high = new Rule("high", "water_level", Glob.ANY, Glob.ANY,
                new NoData(Duration.ofMinutes(1), 5), "major", "{device}", "limit {limit}");
        Signal threshold = new Signal("high", "threshold", "gauge-1", "delta", "north", "water_level", "m",
                Level.ALARM, false, 4.25, 4, null, 0, false, 0);
        assertThat(AlertText.render(" {{device}} at {zone}/{site}: {value}{unit} > {limit} ({Nope} {unknown} {} {rule"
                + " {phase} {severity} [{department}] {eta}{members} ", high, threshold, Phase.ALARM, "major", 4, 4,
                null, null))
                .isEqualTo("{gauge-1} at north/delta: 4.25m > 4.0 ({Nope} {unknown} {} {rule ALARM major []");
    }
}

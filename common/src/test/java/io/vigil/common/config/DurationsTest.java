package io.vigil.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "0s, PT0S",
            "10s, PT10S",
            "5m, PT5M",
            "1h, PT1H",
            "1d, PT24H",
            "' 90s ', PT1M30S",
            "2M, PT2M",
            "15MS, PT0.015S",
            "PT1M30S, PT1M30S",
            "pt2h, PT2H",
            "P1D, PT24H",
            "999999999999999999s, PT277777777777777H46M39S",
    })
    void readsEverySpellingOfTheGrammar(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "s", "", "1.5h", "5 m", "-5s", "+5s", "5min", "1w", "PT-1S", "P", "soon",
            // a count too large for its unit is refused, not an overflow
            "99999999999999999999s", "999999999999999999d", "999999999999999999m"})
    void refusesEverythingElseNamingTheText(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0ms", "PT0.5S, 500ms", "PT1M30S, 90s", "PT2M, 2m", "PT48H, 2d", "PT1.0001S, PT1.0001S"})
    void writesTheShortestTextItReadsBack(String iso, String text) {
        Duration d = Duration.parse(iso);
        assertThat(Durations.write(d)).isEqualTo(text);
        assertThat(Durations.parse(Durations.write(d))).isEqualTo(d);
    }
}

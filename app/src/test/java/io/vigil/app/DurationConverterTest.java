package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsOptionsInTheGrammarOfTheConfigFiles() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("24h")).isEqualTo(Duration.ofDays(1));
        assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aBadValueSaysHowToWriteOne() {
        for (String bad : new String[] {"10", "soon", "-5s", "99999999999999999999d"}) {
            assertThatThrownBy(() -> converter.convert(bad))
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessage("'" + bad + "' is not a duration; write e.g. 500ms, 90s, 2m, 1h");
        }
    }
}

package io.vigil.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "*, gauge-1, true",
            "*, '', true",
            "gauge-1, gauge-1, true",
            "gauge-1, gauge-10, false",
            "gauge-*, gauge-10, true",
            "gauge-*, gauge-, true",
            "gauge-*, xgauge-1, false",
            "*-pump, river-pump, true",
            "*-pump, river-pump2, false",
            "g?uge-*, gauge-7, true",
            "g?uge-*, guge-7, false",
            "*pump*, river-pump-2, true",
            "*pump*, river-2, false",
            "a*b*c, axxbyyc, true",
            "a*b*c, axxbyy, false",
            "a.b, a.b, true",
            "a.b, axb, false",
            "(x)*, (x)1, true",
            "zone-[1], zone-[1], true"})
    void matchesLikeTheShellPattern(String glob, String value, boolean expected) {
        assertThat(new Glob(glob).matches(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"*", "gauge-1", "gauge-*", "*-pump", "a*b"})
    void nothingMatchesAMissingValue(String glob) {
        assertThat(new Glob(glob).matches(null)).isFalse();
    }
}

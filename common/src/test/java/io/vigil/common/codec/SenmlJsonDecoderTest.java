package io.vigil.common.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SenmlJsonDecoderTest {
    static final long NOW = 1_717_171_717_000L;
    static final DecodeContext CONTEXT = new DecodeContext("gauge-7", Protocol.COAP, NOW);

    private final SenmlJsonDecoder decoder = new SenmlJsonDecoder();

    private DecodeResult decode(String json) {
        return decoder.decode(json.getBytes(UTF_8), CONTEXT);
    }

    private DecodeResult decode(String json, DecodeContext context) {
        return decoder.decode(json.getBytes(UTF_8), context);
    }

    private Rejection onlyRejection(String json) {
        DecodeResult result = decode(json);
        assertThat(result.readings()).isEmpty();
        assertThat(result.rejections()).hasSize(1);
        return result.rejections().get(0);
    }

    @Test
    void saysWhichRecordsHadNoTimeOfTheirOwnOrFromABaseTime() {
        DecodeResult result = decode("[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":2,\"t\":" + NOW / 1000
                + "},{\"bt\":" + NOW / 1000 + ",\"n\":\"c\",\"v\":3},{\"n\":\"d\",\"v\":4}]");

        assertThat(result.readings()).hasSize(4);
        assertThat(result.untimed()).as("a base time, once set, times every later record").containsExactly(0);
    }

    @Test
    void resolvesTheRfcExampleWithBaseFieldsAndRelativeOffsets() {
        // RFC 8428 §5.1.2: voltage and current at 2010-06-08T18:01:16.001Z, current also for the 5 seconds before.
        DecodeContext urnDevice = new DecodeContext("urn:dev:ow:10e2073a01080063", Protocol.COAP, NOW);
        DecodeResult result = decode("""
                [{"bn":"urn:dev:ow:10e2073a01080063:","bt":1.276020076001e+09,"bu":"A","bver":5,
                  "n":"voltage","u":"V","v":120.1},
                 {"n":"current","t":-5,"v":1.2},
                 {"n":"current","t":-4,"v":1.3},
                 {"n":"current","t":-3,"v":1.4},
                 {"n":"current","t":-2,"v":1.5},
                 {"n":"current","t":-1,"v":1.6},
                 {"n":"current","v":1.7}]""", urnDevice);

        assertThat(result.rejections()).isEmpty();
        assertThat(result.readings()).extracting(Reading::metric, Reading::value, Reading::unit, Reading::eventTime)
                .containsExactly(
                        tuple("voltage", 120.1, "V", 1_276_020_076_001L),
                        tuple("current", 1.2, "A", 1_276_020_071_001L),
                        tuple("current", 1.3, "A", 1_276_020_072_001L),
                        tuple("current", 1.4, "A", 1_276_020_073_001L),
                        tuple("current", 1.5, "A", 1_276_020_074_001L),
                        tuple("current", 1.6, "A", 1_276_020_075_001L),
                        tuple("current", 1.7, "A", 1_276_020_076_001L));
        assertThat(result.readings()).allSatisfy(r -> {
            assertThat(r.deviceId()).isEqualTo("urn:dev:ow:10e2073a01080063");
            assertThat(r.receiveTime()).isEqualTo(NOW);
            assertThat(r.protocol()).isEqualTo(Protocol.COAP);
        });
    }

    @Test
    void takesARecordWithoutTimeAsNow() {
        // RFC 8428 §5.1.1: a single datapoint measured "now".
        assertThat(decode("[{\"n\":\"urn:dev:ow:10e2073a01080063\",\"u\":\"Cel\",\"v\":23.1}]").readings())
                .extracting(Reading::metric, Reading::unit, Reading::value, Reading::eventTime)
                .containsExactly(tuple("urn:dev:ow:10e2073a01080063", "Cel", 23.1, NOW));
    }

    @ParameterizedTest
    @CsvSource({
        "-5, -5000",
        "0, 0",
        "-0.25, -250",
        "20, 20000",
        "268435455, 268435455000"
    })
    void takesTimesBelowTwoToThe28AsRelativeToNow(String t, long offsetMillis) {
        assertThat(decode("[{\"n\":\"level\",\"v\":1,\"t\":" + t + "}]").readings())
                .extracting(Reading::eventTime).containsExactly(NOW + offsetMillis);
    }

    @Test
    void takesTimesFromTwoToThe28OnAsAbsolute() {
        assertThat(decode("[{\"n\":\"level\",\"v\":1,\"t\":268435456}]").readings())
                .extracting(Reading::eventTime).containsExactly(268_435_456_000L);
    }

    @Test
    void addsFractionalSecondsOfBaseTimeAndTime() {
        assertThat(decode("""
                [{"bn":"gauge-7/","bt":1717171717.5,"n":"level","v":1},
                 {"n":"level","t":0.125,"v":2},
                 {"n":"level","t":-0.001,"v":3}]""").readings())
                .extracting(Reading::eventTime)
                .containsExactly(1_717_171_717_500L, 1_717_171_717_625L, 1_717_171_717_499L);
    }

    @Test
    void addsBaseValueToValuesButNotToBooleans() {
        assertThat(decode("""
                [{"bn":"gauge-7/","bv":100,"n":"level","v":1.5},
                 {"n":"level","v":-0.5},
                 {"n":"pump.on","vb":true},
                 {"n":"door.open","vb":false}]""").readings())
                .extracting(Reading::metric, Reading::value)
                .containsExactly(tuple("level", 101.5), tuple("level", 99.5), tuple("pump.on", 1.0),
                        tuple("door.open", 0.0));
    }

    @Test
    void carriesEachBaseFieldForwardUntilRedefined() {
        // As in RFC 8428 §5.1.6: the last record uses the base name of the 2nd record and the base time of the 1st.
        DecodeResult result = decode("""
                [{"bn":"site-a/","bt":1.320078429e9,"bu":"Cel","n":"temperature","v":27.2},
                 {"n":"humidity","u":"%RH","v":80},
                 {"bn":"site-b/","n":"temperature","v":24.3},
                 {"n":"humidity","u":"%RH","v":75, "t":10},
                 {"bu":"K","n":"temperature","v":300}]""");

        assertThat(result.rejections()).isEmpty();
        assertThat(result.readings()).extracting(Reading::metric, Reading::unit, Reading::value, Reading::eventTime)
                .containsExactly(
                        tuple("site-a/temperature", "Cel", 27.2, 1_320_078_429_000L),
                        tuple("site-a/humidity", "%RH", 80.0, 1_320_078_429_000L),
                        tuple("site-b/temperature", "Cel", 24.3, 1_320_078_429_000L),
                        tuple("site-b/humidity", "%RH", 75.0, 1_320_078_439_000L),
                        tuple("site-b/temperature", "K", 300.0, 1_320_078_429_000L));
    }

    @ParameterizedTest
    @CsvSource({
        "gauge-7/, level, level",
        "gauge-7:, level, level",
        "gauge-7., level, level",
        "gauge-7_, level, level",
        "gauge-7-, level, level",
        "gauge-7/, pump/level, pump/level",
        "gauge-70/, level, gauge-70/level",
        "urn:dev:gauge-7:, level, urn:dev:gauge-7:level",
        "gauge-, 7, gauge-7"
    })
    void stripsTheDeviceIdFromTheStartOfNames(String bn, String n, String metric) {
        assertThat(decode("[{\"bn\":\"" + bn + "\",\"n\":\"" + n + "\",\"v\":1}]").readings())
                .extracting(Reading::metric).containsExactly(metric);
    }

    @Test
    void usesTheBaseNameAloneWhenARecordHasNoName() {
        assertThat(decode("[{\"bn\":\"gauge-7/level\",\"bu\":\"m\",\"v\":3},{\"v\":4,\"t\":-1}]").readings())
                .extracting(Reading::metric, Reading::unit, Reading::value)
                .containsExactly(tuple("level", "m", 3.0), tuple("level", "m", 4.0));
    }

    @Test
    void refusesStringAndDataValuesButKeepsTheRestOfThePack() {
        // RFC 8428 §5.1.4, multiple data types.
        DecodeResult result = decode("""
                [{"bn":"gauge-7:","n":"temp","u":"Cel","v":23.4},
                 {"n":"label","vs":"Machine Room"},
                 {"n":"open","vb":false},
                 {"n":"nfc-reader","vd":"aGkgCg"}]""");

        assertThat(result.readings()).extracting(Reading::metric, Reading::value)
                .containsExactly(tuple("temp", 23.4), tuple("open", 0.0));
        assertThat(result.rejections()).containsExactly(
                Rejection.of(RejectReason.UNSUPPORTED_VALUE, "record 1: string value 'vs' is not stored as a reading"),
                Rejection.of(RejectReason.UNSUPPORTED_VALUE, "record 3: data value 'vd' is not stored as a reading"));
    }

    @Test
    void keepsTheGoodRecordsOfAPackWithABadOne() {
        DecodeResult result = decode("""
                [{"bn":"gauge-7/","n":"level","v":1},
                 {"n":"level","v":2},
                 {"n":"level","v":"3"},
                 {"n":"level","v":4}]""");

        assertThat(result.readings()).extracting(Reading::value).containsExactly(1.0, 2.0, 4.0);
        assertThat(result.rejections()).containsExactly(
                Rejection.of(RejectReason.WRONG_TYPE, "record 2: field 'v' is a string, expected a number"));
    }

    @Test
    void acceptsSumAlongsideAValueAndRefusesASumAlone() {
        DecodeResult result = decode("[{\"n\":\"energy\",\"v\":5,\"s\":100,\"ut\":60},{\"n\":\"energy\",\"s\":105}]");

        assertThat(result.readings()).extracting(Reading::value).containsExactly(5.0);
        assertThat(result.rejections()).extracting(Rejection::reason).containsExactly(RejectReason.UNSUPPORTED_VALUE);
    }

    @Test
    void ignoresUnknownFieldsThatNeedNotBeUnderstood() {
        assertThat(decode("[{\"n\":\"level\",\"v\":1,\"l\":\"link\",\"vendor\":{\"x\":[1,2]}}]").readings())
                .extracting(Reading::value).containsExactly(1.0);
    }

    @Test
    void refusesARecordWithAFieldThatMustBeUnderstood() {
        DecodeResult result = decode("[{\"n\":\"level\",\"v\":1,\"scale_\":10},{\"n\":\"level\",\"v\":2}]");

        assertThat(result.readings()).extracting(Reading::value).containsExactly(2.0);
        assertThat(result.rejections()).containsExactly(Rejection.of(RejectReason.UNSUPPORTED_FORMAT,
                "record 0: field 'scale_' must be understood (it ends in '_') and Vigil does not know it"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "[{\"v\":1}]                          | record 0: no name: neither 'bn' nor 'n' is given",
        "[{\"n\":\"\",\"v\":1}]               | record 0: field 'n' is empty",
        "[{\"bn\":\"\",\"n\":\"\",\"v\":1}]   | record 0: field 'bn + n' is empty",
        "[{\"bn\":\"gauge-7/\",\"v\":1}]      | record 0: name 'gauge-7/' names the device but no metric",
        "[{\"n\":\"level\"}]                  | record 0: no value field ('v', 'vb', 'vs' or 'vd')",
        "[{\"n\":\"level\",\"bv\":3}]         | record 0: no value field ('v', 'vb', 'vs' or 'vd')"
    })
    void refusesRecordsWithoutNameOrValue(String json, String detail) {
        assertThat(onlyRejection(json)).isEqualTo(Rejection.of(RejectReason.MISSING_FIELD, detail));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "[{\"n\":\"level\",\"v\":\"NaN\"}]          | record 0: field 'v' is a string, expected a number",
        "[{\"n\":7,\"v\":1}]                        | record 0: field 'n' is a number, expected a string",
        "[{\"bn\":[\"a\"],\"n\":\"x\",\"v\":1}]     | record 0: field 'bn' is an array, expected a string",
        "[{\"n\":\"level\",\"vb\":\"true\"}]        | record 0: field 'vb' is a string, expected a boolean",
        "[{\"n\":\"level\",\"v\":1,\"t\":\"now\"}]  | record 0: field 't' is a string, expected a number",
        "[{\"n\":\"level\",\"v\":1,\"u\":null}]     | record 0: field 'u' is null, expected a string",
        "[{\"n\":\"level\",\"v\":1,\"bver\":\"10\"}]| record 0: field 'bver' is a string, expected a number",
        "[\"level\"]                                | record 0: element is a string, expected a map of SenML fields"
    })
    void refusesFieldsOfTheWrongType(String json, String detail) {
        assertThat(onlyRejection(json)).isEqualTo(Rejection.of(RejectReason.WRONG_TYPE, detail));
    }

    @Test
    void refusesRecordsRelyingOnABaseFieldOfTheWrongTypeUntilItIsRedefined() {
        DecodeResult result = decode("""
                [{"bt":"yesterday","n":"level","v":1},
                 {"n":"level","v":2},
                 {"bt":1.7e9,"n":"level","v":3}]""");

        assertThat(result.readings()).extracting(Reading::value, Reading::eventTime)
                .containsExactly(tuple(3.0, 1_700_000_000_000L));
        assertThat(result.rejections()).containsExactly(
                Rejection.of(RejectReason.WRONG_TYPE, "record 0: field 'bt' is a string, expected a number"),
                Rejection.of(RejectReason.WRONG_TYPE,
                        "record 1: base field 'bt' set in record 0 is a string, expected a number"));
    }

    @Test
    void refusesABaseUnitOfTheWrongTypeOnlyWhereItIsUsed() {
        DecodeResult result = decode("[{\"bu\":5,\"n\":\"a\",\"u\":\"m\",\"v\":1},{\"n\":\"b\",\"u\":\"m\",\"v\":2},"
                + "{\"n\":\"c\",\"v\":3}]");

        assertThat(result.readings()).extracting(Reading::metric).containsExactly("b");
        assertThat(result.rejections()).extracting(Rejection::detail).containsExactly(
                "record 0: field 'bu' is a number, expected a string",
                "record 2: base field 'bu' set in record 0 is a number, expected a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[{\"n\":\"level\",\"v\":1e400}]",
        "[{\"n\":\"level\",\"v\":-1e400}]",
        "[{\"n\":\"level\",\"bv\":1e308,\"v\":1e308}]",
        "[{\"n\":\"level\",\"v\":1,\"vb\":true}]",
        "[{\"n\":\"level\",\"v\":1,\"vs\":\"one\"}]",
        "[{\"n\":\"water level\",\"v\":1}]",
        "[{\"bn\":\"/gauge-7/\",\"n\":\"level\",\"v\":1}]"
    })
    void refusesUnusableValuesAndNames(String json) {
        assertThat(onlyRejection(json).reason()).isEqualTo(RejectReason.INVALID_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[{\"n\":\"level\",\"v\":1,\"t\":-1e12}]",
        "[{\"n\":\"level\",\"v\":1,\"bt\":1e300}]",
        "[{\"n\":\"level\",\"v\":1,\"bt\":1e308,\"t\":1e308}]",
        "[{\"n\":\"level\",\"v\":1,\"t\":1e400}]"
    })
    void refusesUnusableTimes(String json) {
        assertThat(onlyRejection(json).reason()).isEqualTo(RejectReason.INVALID_TIME);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"n\":\"level\",\"v\":1}",
        "[{\"n\":\"level\",\"v\":1}",
        "[{\"n\":\"level\",\"v\":NaN}]",
        "[{\"n\":\"level\",\"n\":\"other\",\"v\":1}]",
        "[{\"n\":\"level\",\"v\":1}] []",
        "1.5"
    })
    void refusesUnparseablePacksAsMalformed(String json) {
        assertThat(onlyRejection(json).reason()).isEqualTo(RejectReason.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "  "})
    void refusesEmptyPacks(String json) {
        assertThat(onlyRejection(json).reason()).isEqualTo(RejectReason.EMPTY);
    }

    @Test
    void acceptsExactlyTheRecordLimitAndRefusesOneMore() {
        String record = "{\"n\":\"level\",\"v\":1}";
        String atLimit = "[" + String.join(",", Collections.nCopies(Payloads.MAX_RECORDS, record)) + "]";
        String overLimit = "[" + record + "," + atLimit.substring(1);

        assertThat(decode(atLimit).readings()).hasSize(Payloads.MAX_RECORDS);
        assertThat(onlyRejection(overLimit).reason()).isEqualTo(RejectReason.TOO_LARGE);
    }
}

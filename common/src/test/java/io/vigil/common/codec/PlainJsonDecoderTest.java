package io.vigil.common.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlainJsonDecoderTest {
    static final long NOW = 1_717_171_717_000L;
    static final DecodeContext CONTEXT = new DecodeContext("gauge-7", Protocol.MQTT, NOW);

    private final PlainJsonDecoder decoder = new PlainJsonDecoder();

    private DecodeResult decode(String json) {
        return decoder.decode(json.getBytes(UTF_8), CONTEXT);
    }

    private Rejection onlyRejection(String json) {
        DecodeResult result = decode(json);
        assertThat(result.readings()).isEmpty();
        assertThat(result.rejections()).hasSize(1);
        return result.rejections().get(0);
    }

    @Test
    void decodesEveryDocumentedField() {
        DecodeResult result = decode("""
                {"metric":"level","value":1.27,"unit":"m","time":1717171000000,"device":"gauge-7",
                 "site":"harbour","zone":"north","seq":42,"firmware":{"version":[1,2]}}""");

        assertThat(result.rejections()).isEmpty();
        assertThat(result.readings()).containsExactly(new Reading(
                "gauge-7", "harbour", "north", "level", 1.27, "m", 1_717_171_000_000L, NOW, Protocol.MQTT, 42L));
    }

    @Test
    void fillsDefaultsForOptionalFields() {
        Reading reading = decode("{\"metric\":\"level\",\"value\":3}").readings().get(0);

        assertThat(reading.eventTime()).isEqualTo(NOW);
        assertThat(reading.receiveTime()).isEqualTo(NOW);
        assertThat(reading.unit()).isNull();
        assertThat(reading.site()).isEqualTo(Reading.Defaults.SITE);
        assertThat(reading.zone()).isEqualTo(Reading.Defaults.ZONE);
        assertThat(reading.protocol()).isEqualTo(Protocol.MQTT);
    }

    @Test
    void saysWhichReadingsHadNoTimeEvenWhenAnOwnTimeEqualsTheReceiveTime() {
        DecodeResult result = decode("[{\"metric\":\"a\",\"value\":1},{\"metric\":\"b\",\"value\":2,\"time\":" + NOW
                + "},{\"metric\":\"c\",\"value\":3}]");

        assertThat(result.readings()).extracting(Reading::eventTime).containsOnly(NOW);
        assertThat(result.untimed()).containsExactlyInAnyOrder(0, 2);
    }

    @Test
    void treatsNullAndEmptyOptionalFieldsAsAbsent() {
        Reading reading = decode("""
                {"metric":"level","value":3,"unit":"","site":null,"zone":"","time":null,"device":null,"seq":null}""")
                .readings().get(0);

        assertThat(reading.unit()).isNull();
        assertThat(reading.site()).isEqualTo(Reading.Defaults.SITE);
        assertThat(reading.zone()).isEqualTo(Reading.Defaults.ZONE);
        assertThat(reading.eventTime()).isEqualTo(NOW);
        assertThat(reading.seq()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"true,1.0", "false,0.0"})
    void acceptsBooleansAsOneAndZero(String literal, double expected) {
        assertThat(decode("{\"metric\":\"door.open\",\"value\":" + literal + "}").readings())
                .extracting(Reading::value).containsExactly(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "2024-05-31T16:08:37Z, 1717171717000",
        "2024-05-31T16:08:37.5Z, 1717171717500",
        "2024-05-31T18:08:37+02:00, 1717171717000",
        "2024-05-31t16:08:37z, 1717171717000"
    })
    void acceptsIsoInstantsWithOffset(String iso, long expected) {
        assertThat(decode("{\"metric\":\"level\",\"value\":1,\"time\":\"" + iso + "\"}").readings())
                .extracting(Reading::eventTime).containsExactly(expected);
    }

    @Test
    void roundsFractionalMilliseconds() {
        assertThat(decode("{\"metric\":\"level\",\"value\":1,\"time\":1717171717000.6}").readings())
                .extracting(Reading::eventTime).containsExactly(1_717_171_717_001L);
    }

    @Test
    void decodesAnArrayOfReadings() {
        DecodeResult result = decode("""
                [{"metric":"level","value":1.0,"time":1000},
                 {"metric":"level","value":2.0,"time":2000},
                 {"metric":"battery","value":3.6,"unit":"V"}]""");

        assertThat(result.rejections()).isEmpty();
        assertThat(result.readings()).extracting(Reading::metric, Reading::value, Reading::eventTime)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("level", 1.0, 1000L),
                        org.assertj.core.groups.Tuple.tuple("level", 2.0, 2000L),
                        org.assertj.core.groups.Tuple.tuple("battery", 3.6, NOW));
    }

    @Test
    void keepsTheGoodObjectsOfAnArrayWithABadOne() {
        DecodeResult result = decode("""
                [{"metric":"level","value":1.0},
                 {"metric":"level","value":2.0},
                 {"metric":"level","value":"3.0"},
                 7,
                 {"metric":"level","value":5.0}]""");

        assertThat(result.readings()).extracting(Reading::value).containsExactly(1.0, 2.0, 5.0);
        assertThat(result.rejections()).containsExactly(
                Rejection.of(RejectReason.WRONG_TYPE,
                        "record 2: field 'value' is a string, expected a number or a boolean"),
                Rejection.of(RejectReason.WRONG_TYPE, "record 3: element is a number, expected an object"));
    }

    @Test
    void namesNoRecordForASingleObject() {
        assertThat(onlyRejection("{\"metric\":\"level\",\"value\":\"NaN\"}")).isEqualTo(Rejection.of(
                RejectReason.WRONG_TYPE, "field 'value' is a string, expected a number or a boolean"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\t", "[]", " [ ] "})
    void refusesEmptyPayloads(String json) {
        assertThat(onlyRejection(json).reason()).isEqualTo(RejectReason.EMPTY);
    }

    @Test
    void refusesNullPayloadAsEmpty() {
        assertThat(decoder.decode(null, CONTEXT).rejections()).extracting(Rejection::reason)
                .containsExactly(RejectReason.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"metric\":",
        "{\"metric\":\"level\",\"value\":NaN}",
        "{\"metric\":\"level\",\"value\":Infinity}",
        "{\"metric\":\"level\",\"value\":-Infinity}",
        "not json",
        "{\"metric\":\"level\",\"value\":1} {\"metric\":\"level\",\"value\":2}",
        "{\"metric\":\"level\",\"value\":1,\"value\":2}",
        "{'metric':'level','value':1}",
        "{\"metric\":\"level\",\"value\":1,}",
        "{\"metric\":\"level\",\"value\":01}",
        "42",
        "\"level\"",
        "[{\"metric\":\"level\",\"value\":1}"
    })
    void refusesUnparseableJsonAsMalformed(String json) {
        assertThat(onlyRejection(json).reason()).isEqualTo(RejectReason.MALFORMED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "{\"value\":1}                         | field 'metric' is missing",
        "{\"metric\":null,\"value\":1}          | field 'metric' is missing",
        "{\"metric\":\"\",\"value\":1}          | field 'metric' is empty",
        "{\"metric\":\"level\"}                 | field 'value' is missing",
        "{\"metric\":\"level\",\"value\":null}  | field 'value' is missing",
        "{}                                    | field 'metric' is missing"
    })
    void refusesMissingFields(String json, String detail) {
        assertThat(onlyRejection(json)).isEqualTo(Rejection.of(RejectReason.MISSING_FIELD, detail));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "{\"metric\":\"level\",\"value\":\"NaN\"}         | field 'value' is a string, expected a number or a boolean",
        "{\"metric\":\"level\",\"value\":\"12\"}          | field 'value' is a string, expected a number or a boolean",
        "{\"metric\":\"level\",\"value\":[1]}             | field 'value' is an array, expected a number or a boolean",
        "{\"metric\":5,\"value\":1}                       | field 'metric' is a number, expected a string",
        "{\"metric\":\"level\",\"value\":1,\"unit\":3}    | field 'unit' is a number, expected a string",
        "{\"metric\":\"level\",\"value\":1,\"site\":{}}   | field 'site' is an object, expected a string",
        "{\"metric\":\"level\",\"value\":1,\"zone\":true} | field 'zone' is a boolean, expected a string",
        "{\"metric\":\"level\",\"value\":1,\"device\":7}  | field 'device' is a number, expected a string",
        "{\"metric\":\"level\",\"value\":1,\"seq\":\"4\"} | field 'seq' is a string, expected an integer",
        "{\"metric\":\"level\",\"value\":1,\"seq\":1.5}   | field 'seq' is a number, expected an integer",
        "{\"metric\":\"level\",\"value\":1,\"time\":true} | field 'time' is a boolean, expected epoch milliseconds or an ISO-8601 string"
    })
    void refusesWrongTypes(String json, String detail) {
        assertThat(onlyRejection(json)).isEqualTo(Rejection.of(RejectReason.WRONG_TYPE, detail));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"metric\":\"level\",\"value\":1e400}",
        "{\"metric\":\"level\",\"value\":-1e400}",
        "{\"metric\":\"water level\",\"value\":1}",
        "{\"metric\":\"_level\",\"value\":1}",
        "{\"metric\":\"level#\",\"value\":1}",
        "{\"metric\":\"level\",\"value\":1,\"seq\":-1}",
        "{\"metric\":\"level\",\"value\":1,\"seq\":9007199254740994}"
    })
    void refusesUnusableValuesAndNames(String json) {
        assertThat(onlyRejection(json).reason()).isEqualTo(RejectReason.INVALID_VALUE);
    }

    @Test
    void refusesIntegersTooLargeForADouble() {
        String fourHundredDigits = "1" + "0".repeat(400);
        assertThat(onlyRejection("{\"metric\":\"level\",\"value\":" + fourHundredDigits + "}").reason())
                .isEqualTo(RejectReason.INVALID_VALUE);
    }

    @Test
    void refusesNumbersLongerThanTheParserLimitAsTooLarge() {
        String digits = "1".repeat(1500);
        assertThat(onlyRejection("{\"metric\":\"level\",\"value\":" + digits + "}").reason())
                .isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void refusesOverlongMetricNames() {
        assertThat(onlyRejection("{\"metric\":\"" + "m".repeat(MetricNames.MAX_LENGTH + 1) + "\",\"value\":1}")
                .reason()).isEqualTo(RejectReason.INVALID_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-1e20", "1e300", "\"yesterday\"", "\"2024-05-31T16:08:37\"", "\"2024-05-31\"",
        "\"+1000000-01-01T00:00:00Z\"", "\"\""})
    void refusesUnusableTimes(String time) {
        assertThat(onlyRejection("{\"metric\":\"level\",\"value\":1,\"time\":" + time + "}").reason())
                .isEqualTo(RejectReason.INVALID_TIME);
    }

    @Test
    void refusesAReadingForAnotherDevice() {
        assertThat(onlyRejection("{\"metric\":\"level\",\"value\":1,\"device\":\"gauge-8\"}")).isEqualTo(
                Rejection.of(RejectReason.DEVICE_MISMATCH,
                        "field 'device' is 'gauge-8' but the transport identified 'gauge-7'"));
    }

    @Test
    void acceptsExactlyTheRecordLimitAndRefusesOneMore() {
        String reading = "{\"metric\":\"level\",\"value\":1}";
        String atLimit = "[" + String.join(",", java.util.Collections.nCopies(Payloads.MAX_RECORDS, reading)) + "]";
        String overLimit = "[" + reading + "," + atLimit.substring(1);

        assertThat(decode(atLimit).readings()).hasSize(Payloads.MAX_RECORDS);
        assertThat(onlyRejection(overLimit)).isEqualTo(Rejection.of(
                RejectReason.TOO_LARGE, "payload holds more than 10000 records"));
    }

    @Test
    void refusesDeepNestingAsTooLarge() {
        String deep = "{\"metric\":\"level\",\"value\":1,\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThat(onlyRejection(deep).reason()).isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void refusesOversizedPayloadsBeforeParsing() {
        byte[] huge = new byte[Payloads.MAX_PAYLOAD_BYTES + 1];
        Arrays.fill(huge, (byte) ' ');
        DecodeResult result = decoder.decode(huge, CONTEXT);
        assertThat(result.rejections()).extracting(Rejection::reason).containsExactly(RejectReason.TOO_LARGE);
    }
}

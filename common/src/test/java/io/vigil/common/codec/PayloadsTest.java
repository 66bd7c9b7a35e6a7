package io.vigil.common.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadsTest {
    static final long NOW = 1_717_171_717_000L;
    static final DecodeContext CONTEXT = new DecodeContext("gauge-7", Protocol.MQTT, NOW);

    static final byte[] PLAIN = "{\"metric\":\"level\",\"value\":1.5}".getBytes(UTF_8);
    static final byte[] PLAIN_ARRAY = "[{\"unit\":\"m\",\"metric\":\"level\",\"value\":1.5}]".getBytes(UTF_8);
    static final byte[] SENML_JSON = "[{\"n\":\"level\",\"v\":2.5}]".getBytes(UTF_8);
    /** [{0: "level", 2: 3.5}] */
    static final byte[] SENML_CBOR = HexFormat.of().parseHex("81a200656c6576656c02f94300");

    private static DecodeResult decode(byte[] payload, String contentType) {
        return Payloads.decode(payload, contentType, CONTEXT);
    }

    private static double onlyValue(DecodeResult result) {
        assertThat(result.rejections()).isEmpty();
        assertThat(result.readings()).hasSize(1);
        return result.readings().get(0).value();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON",
        " application/json ;charset=UTF-8"})
    void decodesPlainJsonByContentType(String contentType) {
        assertThat(onlyValue(decode(PLAIN, contentType))).isEqualTo(1.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/senml+json", "APPLICATION/SENML+JSON", "application/senml+json;x=1"})
    void decodesSenmlJsonByContentType(String contentType) {
        assertThat(onlyValue(decode(SENML_JSON, contentType))).isEqualTo(2.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/senml+cbor", "Application/Senml+Cbor"})
    void decodesSenmlCborByContentType(String contentType) {
        assertThat(onlyValue(decode(SENML_CBOR, contentType))).isEqualTo(3.5);
    }

    @Test
    void decodesWithTheDeclaredFormatEvenIfThePayloadLooksLikeAnother() {
        assertThat(decode(SENML_JSON, Payloads.JSON).rejections()).extracting(Rejection::reason)
                .containsExactly(RejectReason.MISSING_FIELD);
        assertThat(decode(PLAIN, Payloads.SENML_JSON).rejections()).extracting(Rejection::reason)
                .containsExactly(RejectReason.MALFORMED);
        assertThat(decode(PLAIN, Payloads.SENML_CBOR).rejections()).extracting(Rejection::reason)
                .containsExactly(RejectReason.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/cbor", "application/xml", "application/senml+xml",
        "application/json-seq", "json", "; charset=utf-8", "/"})
    void refusesOtherContentTypes(String contentType) {
        DecodeResult result = decode(PLAIN, contentType);
        assertThat(result.readings()).isEmpty();
        assertThat(result.rejections()).extracting(Rejection::reason).containsExactly(RejectReason.UNSUPPORTED_FORMAT);
        assertThat(result.rejections().get(0).detail()).contains(contentType);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "\t"})
    void detectsTheFormatWhenNoneIsDeclared(String contentType) {
        assertThat(onlyValue(decode(PLAIN, contentType))).isEqualTo(1.5);
        assertThat(onlyValue(decode(PLAIN_ARRAY, contentType))).isEqualTo(1.5);
        assertThat(onlyValue(decode(SENML_JSON, contentType))).isEqualTo(2.5);
        assertThat(onlyValue(decode(SENML_CBOR, contentType))).isEqualTo(3.5);
    }

    @Test
    void detectsPastLeadingWhitespaceAndAByteOrderMark() {
        assertThat(onlyValue(decode(" \r\n\t[{\"n\":\"level\",\"v\":2.5}]".getBytes(UTF_8), null))).isEqualTo(2.5);
        assertThat(onlyValue(decode("\uFEFF{\"metric\":\"level\",\"value\":1.5}".getBytes(UTF_8), null)))
                .isEqualTo(1.5);
    }

    @Test
    void detectsCborAfterTheSelfDescribeTag() {
        byte[] tagged = HexFormat.of().parseHex("d9d9f781a200656c6576656c02f94300");
        assertThat(onlyValue(decode(tagged, null))).isEqualTo(3.5);
    }

    @Test
    void sendsAnArrayWithoutMetricInItsFirstElementToSenml() {
        DecodeResult result = decode("[{\"value\":1},{\"metric\":\"level\",\"value\":2}]".getBytes(UTF_8), null);
        assertThat(result.readings()).isEmpty();
        assertThat(result.rejections()).extracting(Rejection::reason)
                .containsExactly(RejectReason.MISSING_FIELD, RejectReason.MISSING_FIELD);
        assertThat(result.rejections().get(0).detail()).contains("'bn' nor 'n'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hello       | MALFORMED",
        "42          | MALFORMED",
        "\"level\"   | MALFORMED",
        "[1,2        | MALFORMED",
        "{\"metric\" | MALFORMED",
        "'   '       | EMPTY",
        "[]          | EMPTY"
    })
    void refusesUndeclaredPayloadsItCannotRecognise(String payload, RejectReason reason) {
        DecodeResult result = decode(payload.getBytes(UTF_8), null);
        assertThat(result.readings()).isEmpty();
        assertThat(result.rejections()).extracting(Rejection::reason).containsExactly(reason);
    }

    @Test
    void refusesAnEmptyOrMissingPayloadWhateverTheContentType() {
        for (String contentType : new String[] {null, Payloads.JSON, Payloads.SENML_JSON, Payloads.SENML_CBOR}) {
            assertThat(decode(new byte[0], contentType).rejections()).extracting(Rejection::reason)
                    .containsExactly(RejectReason.EMPTY);
            assertThat(decode(null, contentType).rejections()).extracting(Rejection::reason)
                    .containsExactly(RejectReason.EMPTY);
        }
    }

    @Test
    void refusesACborMapWithoutContentType() {
        DecodeResult result = decode(HexFormat.of().parseHex("a200656c6576656c0201"), null);
        assertThat(result.rejections()).extracting(Rejection::reason).containsExactly(RejectReason.MALFORMED);
    }

    @Test
    void stampsEveryReadingWithTheTransportContext() {
        DecodeContext coap = new DecodeContext("gauge-7", Protocol.COAP, 42L);
        DecodeResult result = Payloads.decode(
                "[{\"bn\":\"gauge-7/\",\"n\":\"level\",\"v\":1,\"bt\":1.7e9},{\"n\":\"level\",\"v\":2}]".getBytes(UTF_8),
                Payloads.SENML_JSON, coap);

        assertThat(result.readings()).extracting(Reading::deviceId, Reading::protocol, Reading::receiveTime,
                        Reading::eventTime)
                .containsExactly(tuple("gauge-7", Protocol.COAP, 42L, 1_700_000_000_000L),
                        tuple("gauge-7", Protocol.COAP, 42L, 1_700_000_000_000L));
    }

    @ParameterizedTest
    @CsvSource({"50, application/json", "110, application/senml+json", "112, application/senml+cbor"})
    void mapsTheSupportedCoapContentFormats(int contentFormat, String mediaType) {
        assertThat(Payloads.mediaTypeOfCoapFormat(contentFormat)).isEqualTo(mediaType);
        assertThat(Payloads.isSupported(Payloads.mediaTypeOfCoapFormat(contentFormat))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 40, 41, 42, 60, 111, 113, 10000, -1})
    void knowsNoOtherCoapContentFormat(int contentFormat) {
        assertThat(Payloads.mediaTypeOfCoapFormat(contentFormat)).isNull();
    }

    @Test
    void tellsWhichContentTypesItDecodes() {
        assertThat(Payloads.isSupported("application/json; charset=utf-8")).isTrue();
        assertThat(Payloads.isSupported("APPLICATION/SENML+CBOR")).isTrue();
        assertThat(Payloads.isSupported(null)).isTrue();
        assertThat(Payloads.isSupported("")).isTrue();
        assertThat(Payloads.isSupported("text/plain")).isFalse();
        assertThat(Payloads.isSupported("application/senml+xml")).isFalse();
    }
}

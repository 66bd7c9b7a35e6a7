package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SenmlCborDecoderTest {
    static final long NOW = 1_717_171_717_000L;
    static final DecodeContext CONTEXT = new DecodeContext("gauge-7", Protocol.COAP, NOW);

    // CBOR labels, RFC 8428 §6.
    static final int BN = -2, BT = -3, BU = -4, BV = -5, N = 0, U = 1, V = 2, VS = 3, VB = 4, T = 6, VD = 8;

    private static final CBORMapper MAPPER = new CBORMapper();
    private final SenmlCborDecoder decoder = new SenmlCborDecoder();

    /** A record from alternating keys and values, in order. */
    static Map<Object, Object> record(Object... keysAndValues) {
        Map<Object, Object> record = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            record.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return record;
    }

    @SafeVarargs
    static byte[] pack(Map<Object, Object>... records) {
        try {
            return MAPPER.writeValueAsBytes(List.of(records));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Rejection onlyRejection(byte[] cbor) {
        DecodeResult result = decoder.decode(cbor, CONTEXT);
        assertThat(result.readings()).isEmpty();
        assertThat(result.rejections()).hasSize(1);
        return result.rejections().get(0);
    }

    @Test
    void decodesTheRfcCborExample() {
        // The hex dump of RFC 8428 §6: voltage and six current readings with base name, time and unit.
        byte[] rfcExample = HexFormat.of().parseHex(
                "87a721781b75726e3a6465763a6f773a31306532303733613031303830303"
                + "63a22fb41d303a15b00106223614120050067766f6c74616765016156"
                + "02fb405e066666666666a3006763757272656e74062402fb3ff333333"
                + "3333333a3006763757272656e74062302fb3ff4cccccccccccda30067"
                + "63757272656e74062202fb3ff6666666666666a3006763757272656e7"
                + "4062102f93e00a3006763757272656e74062002fb3ff999999999999a"
                + "a3006763757272656e74060002fb3ffb333333333333");
        DecodeContext device = new DecodeContext("urn:dev:ow:10e2073a0108006", Protocol.COAP, NOW);

        DecodeResult result = decoder.decode(rfcExample, device);

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
            assertThat(r.deviceId()).isEqualTo("urn:dev:ow:10e2073a0108006");
            assertThat(r.protocol()).isEqualTo(Protocol.COAP);
            assertThat(r.receiveTime()).isEqualTo(NOW);
        });
    }

    @Test
    void resolvesBaseFieldsRelativeTimesAndBooleansLikeJson() {
        byte[] cbor = pack(
                record(BN, "gauge-7/", BU, "m", BV, 10, N, "level", V, 0.5, T, -2),
                record(N, "level", V, 1, T, 0.5),
                record(N, "pump.on", VB, true),
                record(BT, 1.7171717175e9, N, "level", U, "cm", V, 2));

        DecodeResult result = decoder.decode(cbor, CONTEXT);

        assertThat(result.rejections()).isEmpty();
        assertThat(result.readings()).extracting(Reading::metric, Reading::value, Reading::unit, Reading::eventTime)
                .containsExactly(
                        tuple("level", 10.5, "m", NOW - 2000),
                        tuple("level", 11.0, "m", NOW + 500),
                        tuple("pump.on", 1.0, "m", NOW),
                        tuple("level", 12.0, "cm", 1_717_171_717_500L));
    }

    @Test
    void acceptsAnIndefiniteLengthArray() {
        // [_ {0: "level", 2: 1}] as streamed SensML would send it.
        byte[] cbor = HexFormat.of().parseHex("9fa200656c6576656c0201ff");

        assertThat(decoder.decode(cbor, CONTEXT).readings()).extracting(Reading::metric, Reading::value)
                .containsExactly(tuple("level", 1.0));
    }

    @Test
    void refusesStringAndByteValuesAndKeepsTheRest() {
        DecodeResult result = decoder.decode(pack(
                record(N, "level", V, 1.5),
                record(N, "label", VS, "Machine Room"),
                record(N, "tag", VD, new byte[] {1, 2, 3}),
                record(N, "level", V, 2.5)), CONTEXT);

        assertThat(result.readings()).extracting(Reading::value).containsExactly(1.5, 2.5);
        assertThat(result.rejections()).containsExactly(
                Rejection.of(RejectReason.UNSUPPORTED_VALUE, "record 1: string value 'vs' is not stored as a reading"),
                Rejection.of(RejectReason.UNSUPPORTED_VALUE, "record 2: data value 'vd' is not stored as a reading"));
    }

    @Test
    void refusesNonFiniteFloatsAsInvalidValues() {
        DecodeResult result = decoder.decode(pack(
                record(N, "level", V, Double.NaN),
                record(N, "level", V, Double.POSITIVE_INFINITY),
                record(N, "level", V, Float.NEGATIVE_INFINITY),
                record(N, "level", V, 4)), CONTEXT);

        assertThat(result.readings()).extracting(Reading::value).containsExactly(4.0);
        assertThat(result.rejections()).extracting(Rejection::reason).containsExactly(
                RejectReason.INVALID_VALUE, RejectReason.INVALID_VALUE, RejectReason.INVALID_VALUE);
    }

    @Test
    void refusesANonFiniteTime() {
        assertThat(onlyRejection(pack(record(N, "level", V, 1, T, Double.NaN))).reason())
                .isEqualTo(RejectReason.INVALID_TIME);
    }

    @Test
    void namesFieldsByTheirSenmlLabelInDetails() {
        assertThat(onlyRejection(pack(record(N, "level", V, "1.5")))).isEqualTo(
                Rejection.of(RejectReason.WRONG_TYPE, "record 0: field 'v' is a string, expected a number"));
        assertThat(onlyRejection(pack(record(N, new byte[] {'x'}, V, 1)))).isEqualTo(
                Rejection.of(RejectReason.WRONG_TYPE, "record 0: field 'n' is a byte string, expected a string"));
    }

    @Test
    void readsIntegerLabelsOnlyAndIgnoresUnknownTextLabels() {
        // "n" and "v" as text keys are extensions in CBOR, not the SenML labels.
        assertThat(onlyRejection(pack(record("n", "level", "v", 1))).reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThat(decoder.decode(pack(record(N, "level", V, 1, "vendor", "x", 99, 1)), CONTEXT).readings())
                .hasSize(1);
    }

    @Test
    void refusesARecordWithATextLabelThatMustBeUnderstood() {
        assertThat(onlyRejection(pack(record(N, "level", V, 1, "scale_", 10))).reason())
                .isEqualTo(RejectReason.UNSUPPORTED_FORMAT);
    }

    @Test
    void refusesMissingNamesAndValues() {
        DecodeResult result = decoder.decode(pack(record(V, 1), record(N, "level"), record(BN, "gauge-7/", V, 1)), CONTEXT);

        assertThat(result.rejections()).extracting(Rejection::reason).containsOnly(RejectReason.MISSING_FIELD);
        assertThat(result.rejections()).hasSize(3);
    }

    @Test
    void refusesEmptyAndBrokenPayloads() {
        assertThat(onlyRejection(new byte[0]).reason()).isEqualTo(RejectReason.EMPTY);
        assertThat(onlyRejection(new byte[] {(byte) 0x80}).reason()).isEqualTo(RejectReason.EMPTY);

        byte[] valid = pack(record(N, "level", V, 1.5));
        for (int length = 1; length < valid.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(valid, length);
            assertThat(onlyRejection(truncated).reason()).as("truncated to %d bytes", length)
                    .isEqualTo(RejectReason.MALFORMED);
        }
        // A map where a pack (array) belongs, and a pack followed by stray bytes.
        assertThat(onlyRejection(HexFormat.of().parseHex("a200656c6576656c0201")).reason())
                .isEqualTo(RejectReason.MALFORMED);
        assertThat(onlyRejection(HexFormat.of().parseHex("81a200656c6576656c020100")).reason())
                .isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void refusesADuplicateLabel() {
        // [{0: "level", 0: "other", 2: 1}]
        assertThat(onlyRejection(HexFormat.of().parseHex("81a300656c6576656c00656f746865720201"))
                .reason()).isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void refusesMoreThanTheRecordLimit() {
        List<Map<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i <= Payloads.MAX_RECORDS; i++) {
            records.add(record(N, "level", V, i));
        }
        byte[] cbor;
        try {
            cbor = MAPPER.writeValueAsBytes(records);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        assertThat(onlyRejection(cbor).reason()).isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void refusesDeepNestingAsTooLarge() {
        byte[] deep = new byte[200];
        java.util.Arrays.fill(deep, (byte) 0x81);
        deep[deep.length - 1] = 0x01;
        assertThat(onlyRejection(deep).reason()).isEqualTo(RejectReason.TOO_LARGE);
    }
}

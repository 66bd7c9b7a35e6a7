package io.vigil.common.rfid;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.codec.Payloads;
import io.vigil.common.serde.JsonSerde;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TagReadDecoderTest {
    static final long NOW = 1_764_300_000_000L;
    static final DecodeContext CONTEXT = new DecodeContext("dock-1", Protocol.MQTT, NOW);

    private static TagDecodeResult decode(String body) {
        return TagReadDecoder.decode(body.getBytes(UTF_8), null, CONTEXT);
    }

    private static RejectReason onlyReason(String body) {
        TagDecodeResult r = decode(body);
        assertThat(r.reads()).isEmpty();
        assertThat(r.rejections()).hasSize(1);
        return r.rejections().get(0).reason();
    }

    @Test
    void vigilJsonWithEveryDocumentedField() {
        TagDecodeResult r = decode("""
                {"reader":"dock-1","tag":"E2801160-0001","antenna":2,"rssi":-61.5,"reads":3,"time":1764299999000}""");
        assertThat(r.rejections()).isEmpty();
        assertThat(r.reads()).containsExactly(new TagRead("dock-1", 2, "E2801160-0001", -61.5, 3, 1_764_299_999_000L,
                NOW, Protocol.MQTT, TagFormat.VIGIL, null));
    }

    @Test
    void vigilJsonDefaultsAntennaRssiReadsAndTime() {
        TagRead read = decode("{\"tag\":\"visitor-9\"}").reads().get(0);
        assertThat(read.antenna()).isZero();
        assertThat(read.rssiDbm()).isNull();
        assertThat(read.reads()).isEqualTo(1);
        assertThat(read.eventTime()).isEqualTo(NOW);
    }

    @Test
    void zebraConcatenatedEventsInOneBody() {
        String body = """
                {"type":"SIMPLE","timestamp":"2025-11-28T03:20:00.123+0000","data":{"idHex":"e28011606000020d8d3c1a2f","antenna":1,"peakRssi":-39,"eventNum":1,"format":"epc","reads":2}}
                {"type":"SIMPLE","timestamp":"2025-11-28T03:20:00.456+0000","data":{"idHex":"E28011606000020D8D3C1A30","format":"epc"}}""";
        TagDecodeResult r = decode(body);
        assertThat(r.rejections()).isEmpty();
        assertThat(r.reads()).hasSize(2);
        TagRead first = r.reads().get(0);
        assertThat(first.tagId()).isEqualTo("E28011606000020D8D3C1A2F");
        assertThat(first.antenna()).isEqualTo(1);
        assertThat(first.rssiDbm()).isEqualTo(-39.0);
        assertThat(first.reads()).isEqualTo(2);
        assertThat(first.eventTime()).isEqualTo(Instant.parse("2025-11-28T03:20:00.123Z").toEpochMilli());
        assertThat(first.format()).isEqualTo(TagFormat.ZEBRA);
        TagRead second = r.reads().get(1);
        assertThat(second.antenna()).isZero();
        assertThat(second.rssiDbm()).isNull();
    }

    @Test
    void impinjTagInventoryConvertsCentiDbm() {
        TagDecodeResult r = decode("""
                {"timestamp":"2025-11-28T03:20:00.413452203Z","hostname":"impinj-14-a1-b2","eventType":"tagInventory",
                 "tagInventoryEvent":{"epcHex":"300833B2DDD9014000000000","antennaPort":3,"antennaName":"Antenna 3",
                 "peakRssiCdbm":-7050,"frequency":927250,"transmitPowerCdbm":3000,"lastSeenTime":"2025-11-28T03:20:00.4Z"}}""");
        assertThat(r.rejections()).isEmpty();
        TagRead read = r.reads().get(0);
        assertThat(read.tagId()).isEqualTo("300833B2DDD9014000000000");
        assertThat(read.antenna()).isEqualTo(3);
        assertThat(read.rssiDbm()).isEqualTo(-70.5);
        assertThat(read.eventTime()).isEqualTo(Instant.parse("2025-11-28T03:20:00.413Z").toEpochMilli());
        assertThat(read.format()).isEqualTo(TagFormat.IMPINJ);
    }

    @Test
    void impinjOtherEventTypesAreIgnoredNotRejected() {
        TagDecodeResult r = decode("""
                {"timestamp":"2025-11-28T03:20:00Z","eventType":"antennaConnected","antennaConnectedEvent":{"antennaPort":1}}
                {"timestamp":"2025-11-28T03:20:01Z","eventType":"inventoryStatus","inventoryStatusEvent":{"status":"running"}}
                {"timestamp":"2025-11-28T03:20:02Z","eventType":"tagInventory","tagInventoryEvent":{"epcHex":"AABB"}}""");
        assertThat(r.rejections()).isEmpty();
        assertThat(r.ignored()).isEqualTo(2);
        assertThat(r.reads()).extracting(TagRead::tagId).containsExactly("AABB");
        assertThat(r.fullyRejected()).isFalse();
    }

    @Test
    void onlyIgnoredEventsIsNotARefusal() {
        TagDecodeResult r = decode("{\"eventType\":\"keepalive\"}");
        assertThat(r.reads()).isEmpty();
        assertThat(r.rejections()).isEmpty();
        assertThat(r.fullyRejected()).isFalse();
    }

    @Test
    void oneBadEventCostsOnlyItself() {
        TagDecodeResult r = decode("""
                [{"tag":"a-1"},{"tag":"a 2"},7,{"type":"SIMPLE","data":{"idHex":"XYZ"}},{"tag":"a-3","antenna":1}]""");
        assertThat(r.reads()).extracting(TagRead::tagId).containsExactly("a-1", "a-3");
        assertThat(r.rejections()).extracting(rej -> rej.reason()).containsExactly(
                RejectReason.INVALID_VALUE, RejectReason.WRONG_TYPE, RejectReason.INVALID_VALUE);
        assertThat(r.rejections().get(1).detail()).startsWith("event 2:");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"tag\":\"a\"                        | MALFORMED",
            "{\"tag\":\"a\",\"tag\":\"b\"}          | MALFORMED",
            "'   '                                | EMPTY",
            "[]                                   | EMPTY",
            "{}                                   | MISSING_FIELD",
            "{\"tag\":42}                         | WRONG_TYPE",
            "{\"tag\":\"\"}                       | MISSING_FIELD",
            "{\"tag\":\"a\",\"reader\":\"other\"} | DEVICE_MISMATCH",
            "{\"tag\":\"a\",\"antenna\":0}        | INVALID_VALUE",
            "{\"tag\":\"a\",\"antenna\":1.5}      | WRONG_TYPE",
            "{\"tag\":\"a\",\"antenna\":\"1\"}    | WRONG_TYPE",
            "{\"tag\":\"a\",\"rssi\":-7000}       | INVALID_VALUE",
            "{\"tag\":\"a\",\"rssi\":1e999}       | INVALID_VALUE",
            "{\"tag\":\"a\",\"reads\":0}          | INVALID_VALUE",
            "{\"tag\":\"a\",\"time\":-1}          | INVALID_TIME",
            "{\"tag\":\"a\",\"time\":\"yesterday\"} | INVALID_TIME",
            "{\"tag\":\"a\",\"time\":\"2025-11-28T03:20:00\"} | INVALID_TIME",
            "{\"type\":\"SIMPLE\",\"data\":\"E280\"} | WRONG_TYPE",
            "{\"type\":\"SIMPLE\",\"data\":{}}    | MISSING_FIELD",
            "{\"type\":\"SIMPLE\",\"data\":{\"idHex\":\"ABC\"}} | INVALID_VALUE",
            "{\"eventType\":7}                    | WRONG_TYPE",
            "{\"eventType\":\"tagInventory\"}     | MISSING_FIELD",
            "{\"eventType\":\"tagInventory\",\"tagInventoryEvent\":[]} | WRONG_TYPE",
            "{\"eventType\":\"tagInventory\",\"tagInventoryEvent\":{\"epcHex\":\"AA\",\"peakRssiCdbm\":\"-70\"}} | WRONG_TYPE",
            "\"just a string\"                    | WRONG_TYPE",
    })
    void hostileVariantsAreRefusedWithTheirReason(String body, RejectReason expected) {
        assertThat(onlyReason(body)).isEqualTo(expected);
    }

    @Test
    void aBrokenObjectAfterCompleteOnesLosesOnlyItself() {
        TagDecodeResult result = TagReadDecoder.decode(
                "{\"tag\":\"T-1\"}[{\"tag\":\"T-2\"}]{\"broken\":".getBytes(UTF_8), null, CONTEXT);

        assertThat(result.reads()).extracting(TagRead::tagId).containsExactly("T-1", "T-2");
        assertThat(result.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.MALFORMED);
            assertThat(r.detail()).startsWith("event 2 onwards: not valid JSON");
        });
    }

    @Test
    void aStreamBrokenBeforeAnyCompleteObjectIsRefusedWhole() {
        assertThat(onlyReason("{\"tag\":\"a\"")).isEqualTo(RejectReason.MALFORMED);
        assertThat(onlyReason("[{\"tag\":\"a\"")).isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void deepNestingAndOversizeAreRefusedAsTooLarge() {
        String deep = "{\"tag\":\"a\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThat(onlyReason(deep)).isEqualTo(RejectReason.TOO_LARGE);
        byte[] huge = new byte[Payloads.MAX_PAYLOAD_BYTES + 1];
        assertThat(TagReadDecoder.decode(huge, null, CONTEXT).rejections().get(0).reason())
                .isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void tooManyEventsAreRefused() {
        String body = "{\"tag\":\"a\"}".repeat(Payloads.MAX_RECORDS + 1);
        assertThat(onlyReason(body)).isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void onlyJsonContentTypesAreAccepted() {
        byte[] body = "{\"tag\":\"a\"}".getBytes(UTF_8);
        assertThat(TagReadDecoder.decode(body, "application/json; charset=utf-8", CONTEXT).reads()).hasSize(1);
        assertThat(TagReadDecoder.decode(body, "application/senml+cbor", CONTEXT).rejections().get(0).reason())
                .isEqualTo(RejectReason.UNSUPPORTED_FORMAT);
    }

    @Test
    void kafkaSerdeRoundTrips() throws Exception {
        TagRead read = new TagRead("dock-1", 2, "p-00ff", -50.25, 1, NOW, NOW + 5, Protocol.COAP, TagFormat.ZEBRA,
                "staff");
        JsonSerde<TagRead> serde = JsonSerde.tagReads();
        assertThat(serde.fromBytes(serde.toBytes(read))).isEqualTo(read);
    }
}

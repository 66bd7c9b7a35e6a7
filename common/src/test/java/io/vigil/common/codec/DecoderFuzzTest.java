package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.Rejection;
import java.util.Arrays;

/**
 * Jazzer fuzz tests of the reading decoders: whatever the bytes, a decoder answers with readings or typed
 * rejections, never throws, and every reading it builds is usable. Plain {@code mvn test} replays the committed
 * seeds in {@code src/test/resources/io/vigil/common/codec/DecoderFuzzTestInputs/<method>/} (regression mode);
 * {@code JAZZER_FUZZ=1} fuzzes one method for real (docs/benchmarks.md, "Fuzzing").
 */
class DecoderFuzzTest {
    static final DecodeContext CONTEXT = new DecodeContext("gauge-7", Protocol.MQTT, 1_717_171_717_000L);
    private static final String[] CONTENT_TYPES = {null, Payloads.JSON, Payloads.SENML_JSON, Payloads.SENML_CBOR,
            "text/plain"};

    @FuzzTest(maxDuration = "5m")
    void plainJson(byte[] payload) {
        checkResult(new PlainJsonDecoder().decode(payload, CONTEXT));
    }

    @FuzzTest(maxDuration = "5m")
    void senmlJson(byte[] payload) {
        checkResult(new SenmlJsonDecoder().decode(payload, CONTEXT));
    }

    @FuzzTest(maxDuration = "5m")
    void senmlCbor(byte[] payload) {
        checkResult(new SenmlCborDecoder().decode(payload, CONTEXT));
    }

    /** The first byte picks the declared content type (or none, which detects the format); the rest is the payload. */
    @FuzzTest(maxDuration = "5m")
    void payloads(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String contentType = CONTENT_TYPES[Math.floorMod(input[0], CONTENT_TYPES.length)];
        checkResult(Payloads.decode(Arrays.copyOfRange(input, 1, input.length), contentType, CONTEXT));
    }

    /** What every decoder promises for every input. */
    static void checkResult(DecodeResult result) {
        assertThat(result.readings().size() + result.rejections().size()).as("an answer").isPositive();
        assertThat(result.readings().size()).isLessThanOrEqualTo(Payloads.MAX_RECORDS);
        for (Reading r : result.readings()) {
            assertThat(r.deviceId()).isEqualTo(CONTEXT.deviceId());
            assertThat(r.receiveTime()).isEqualTo(CONTEXT.receiveTime());
            assertThat(r.protocol()).isEqualTo(CONTEXT.protocol());
            assertThat(r.value()).isFinite();
            assertThat(r.eventTime()).isBetween(0L, EventTimes.LATEST);
            assertThat(r.metric()).isNotEmpty().hasSizeLessThanOrEqualTo(MetricNames.MAX_LENGTH)
                    .doesNotContain("+", "#", " ");
            assertThat(r.seq() == null || r.seq() >= 0).as("seq %s", r.seq()).isTrue();
        }
        for (Rejection rejection : result.rejections()) {
            assertThat(rejection.reason()).isNotNull();
            assertThat(rejection.detail()).isNotBlank();
        }
    }
}

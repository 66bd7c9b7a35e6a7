package io.vigil.common.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.common.Protocol;
import io.vigil.common.Rejection;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.config.InvalidConfigFileException;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz tests of the RFID inputs: the tag-read decoder (Vigil, Zebra and Impinj events, alone, in arrays or
 * concatenated; seeds of each format) and the site file loader. Regression mode replays
 * {@code src/test/resources/io/vigil/common/rfid/TagReadFuzzTestInputs/<method>/}.
 */
class TagReadFuzzTest {
    private static final DecodeContext CONTEXT = new DecodeContext("dock-1", Protocol.MQTT, 1_764_300_000_000L);

    @FuzzTest(maxDuration = "5m")
    void tagReads(byte[] payload) {
        TagDecodeResult result = TagReadDecoder.decode(payload, TagReadDecoder.JSON, CONTEXT);
        assertThat(result.reads().size() + result.rejections().size() + result.ignored()).isPositive();
        for (TagRead read : result.reads()) {
            assertThat(read.readerId()).isEqualTo(CONTEXT.deviceId());
            assertThat(read.tagId()).isNotBlank();
            assertThat(read.antenna()).isNotNegative();
            assertThat(read.reads()).isPositive();
            assertThat(read.rssiDbm() == null || Double.isFinite(read.rssiDbm())).isTrue();
            assertThat(read.eventTime()).isNotNegative();
            assertThat(read.receiveTime()).isEqualTo(CONTEXT.receiveTime());
            assertThat(read.format()).isNotNull();
        }
        for (Rejection rejection : result.rejections()) {
            assertThat(rejection.reason()).isNotNull();
            assertThat(rejection.detail()).isNotBlank();
        }
    }

    /** A site file either loads or is refused with {@link InvalidConfigFileException} naming a line and a field. */
    @FuzzTest(maxDuration = "5m")
    void siteYaml(byte[] input) {
        try {
            Site site = SiteLoader.parse(new String(input, StandardCharsets.UTF_8), "fuzz.yaml");
            assertThat(site).isNotNull();
        } catch (InvalidConfigFileException e) {
            assertThat(e.getMessage()).startsWith("fuzz.yaml");
        }
    }
}

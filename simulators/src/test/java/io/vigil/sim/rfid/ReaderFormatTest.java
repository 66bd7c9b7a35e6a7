package io.vigil.sim.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.rfid.TagDecodeResult;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import io.vigil.common.rfid.TagReadDecoder;
import java.util.List;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;

/** What the simulated readers send is what Vigil's decoder reads back, in each format. */
class ReaderFormatTest {
    static final List<SimRead> ROUND = List.of(
            new SimRead("plaza-gate", 1, "E2800A1B0003", -51.6, 1_764_300_000_123L),
            new SimRead("plaza-gate", 3, "E2800A1B0003", -70.4, 1_764_300_000_128L));

    @ParameterizedTest
    @EnumSource(ReaderFormat.class)
    void theGatewayDecoderReadsEveryFormatBack(ReaderFormat format) {
        TagDecodeResult result = TagReadDecoder.decode(format.encode(ROUND), TagReadDecoder.JSON,
                new DecodeContext("plaza-gate", Protocol.MQTT, 1_764_300_001_000L));
        assertThat(result.rejections()).isEmpty();
        assertThat(result.reads()).extracting(TagRead::tagId).containsExactly("E2800A1B0003", "E2800A1B0003");
        assertThat(result.reads()).extracting(TagRead::antenna).containsExactly(1, 3);
        assertThat(result.reads()).extracting(TagRead::eventTime)
                .containsExactly(1_764_300_000_123L, 1_764_300_000_128L);
        assertThat(result.reads()).extracting(TagRead::format).containsOnly(TagFormat.valueOf(format.name()));
        // Zebra reports whole dBm; the others keep tenths
        double tolerance = format == ReaderFormat.ZEBRA ? 0.5 : 1e-9;
        assertThat(result.reads().get(0).rssiDbm()).isCloseTo(-51.6, org.assertj.core.data.Offset.offset(tolerance));
    }
}

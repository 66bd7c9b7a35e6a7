package io.vigil.common.rfid;

import io.vigil.common.Rejection;
import java.util.List;

/**
 * What the decoder made of one payload: the tag reads, a rejection for each part it refused, and how many events
 * it accepted but ignored because they carry no tag read (an Impinj {@code antennaConnected} event, for example).
 * Ignored events are not errors: they are neither rejected nor dead-lettered.
 */
public record TagDecodeResult(List<TagRead> reads, List<Rejection> rejections, int ignored) {
    public TagDecodeResult {
        reads = List.copyOf(reads);
        rejections = List.copyOf(rejections);
    }

    public static TagDecodeResult rejected(Rejection rejection) {
        return new TagDecodeResult(List.of(), List.of(rejection), 0);
    }

    /** Refused as a whole: nothing read, nothing ignored, something wrong. */
    public boolean fullyRejected() {
        return reads.isEmpty() && ignored == 0 && !rejections.isEmpty();
    }
}

package io.vigil.common.codec;

import io.vigil.common.Reading;
import io.vigil.common.Rejection;
import java.util.List;

/**
 * What a decoder made of one payload: the readings it could build and a rejection for each part it could not.
 * A payload that cannot be parsed at all yields no readings and one rejection. A SenML pack with one bad record
 * keeps its good records.
 */
public record DecodeResult(List<Reading> readings, List<Rejection> rejections) {
    public DecodeResult {
        readings = List.copyOf(readings);
        rejections = List.copyOf(rejections);
    }

    public static DecodeResult rejected(Rejection rejection) {
        return new DecodeResult(List.of(), List.of(rejection));
    }

    public static DecodeResult of(List<Reading> readings) {
        return new DecodeResult(readings, List.of());
    }

    public boolean fullyRejected() {
        return readings.isEmpty();
    }
}

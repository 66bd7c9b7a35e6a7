package io.vigil.common.codec;

import io.vigil.common.Reading;
import io.vigil.common.Rejection;
import java.util.List;
import java.util.Set;

/**
 * What a decoder made of one payload: the readings it could build and a rejection for each part it could not.
 * A payload that cannot be parsed at all yields no readings and one rejection. A SenML pack with one bad record
 * keeps its good records.
 *
 * @param untimed the places in {@code readings} of those that carried no time of their own: the decoder gave them
 *                the receive time. Said here, not guessed from {@code eventTime == receiveTime}, which a device's
 *                own stamp can equal by chance (and a redelivery then would not)
 */
public record DecodeResult(List<Reading> readings, List<Rejection> rejections, Set<Integer> untimed) {
    public DecodeResult {
        readings = List.copyOf(readings);
        rejections = List.copyOf(rejections);
        untimed = Set.copyOf(untimed);
    }

    public DecodeResult(List<Reading> readings, List<Rejection> rejections) {
        this(readings, rejections, Set.of());
    }

    /** Whether reading {@code index} had no time of its own and was given the receive time. */
    public boolean untimed(int index) {
        return untimed.contains(index);
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

package io.vigil.gateway;

import io.vigil.common.Rejection;
import java.util.List;

/**
 * What became of one payload once Kafka acknowledged all its records.
 *
 * @param acceptedReadings readings written to the readings topic
 * @param rejections       parts refused; each one was written to the dead-letter topic
 */
public record IngestOutcome(int acceptedReadings, List<Rejection> rejections) {
    public IngestOutcome {
        rejections = List.copyOf(rejections);
    }

    /** True when the payload was refused as a whole: no reading came out of it, and something was wrong. */
    public boolean refused() {
        return acceptedReadings == 0 && !rejections.isEmpty();
    }
}

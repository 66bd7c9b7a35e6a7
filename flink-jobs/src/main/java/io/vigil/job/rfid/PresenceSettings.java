package io.vigil.job.rfid;

import java.io.Serializable;
import java.time.Duration;

/**
 * How presence is decided from raw reads.
 *
 * @param window       reads of one tag in one zone count together while no gap is longer than this
 * @param minReads     reads (within the window) a zone needs before the tag counts as there
 * @param moveMarginDb a MOVED needs the new zone's smoothed RSSI to beat the current zone's by this much, unless the
 *                     current zone has gone silent for a whole window
 * @param departAfter  a tag not read anywhere this long (event time) has DEPARTED
 * @param rssiSmoothing weight of a new read in the exponential RSSI average (0..1]
 */
public record PresenceSettings(Duration window, int minReads, double moveMarginDb, Duration departAfter,
                               double rssiSmoothing) implements Serializable {

    public static PresenceSettings defaults() {
        return new PresenceSettings(Duration.ofSeconds(3), 2, 6.0, Duration.ofSeconds(30), 0.3);
    }

    public PresenceSettings withDepartAfter(Duration d) {
        return new PresenceSettings(window, minReads, moveMarginDb, d, rssiSmoothing);
    }
}

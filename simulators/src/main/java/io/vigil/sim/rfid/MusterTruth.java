package io.vigil.sim.rfid;

import java.util.Map;

/**
 * Who truly had to muster and when each was truly accounted for.
 *
 * @param triggerMs when the evacuation truly began (the trigger sensor crossed its limit), ms from the start
 * @param arrivals  every person truly in an evacuated zone at {@code triggerMs} (own tag id, as the simulator sends
 *                  it) → when they first entered an assembly point after it, or -1 if they never did
 */
public record MusterTruth(long triggerMs, Map<String, Long> arrivals) {
    public MusterTruth {
        arrivals = Map.copyOf(arrivals);
    }

    /** When the last person truly arrived: the instant a perfect muster closes; -1 if someone never arrives. */
    public long lastArrivalMs() {
        long last = triggerMs;
        for (long at : arrivals.values()) {
            if (at < 0) {
                return -1;
            }
            last = Math.max(last, at);
        }
        return last;
    }
}

package io.vigil.sim.rfid;

import java.util.List;

/**
 * One simulated tag and what it truly does: a sequence of stays in zones, in ms from the start of the scenario.
 * Between and after its stays the tag is off site (read by nothing).
 *
 * @param group the site group the tag belongs to (for the truth; the gateway finds it from the site file itself)
 */
public record SimTag(String id, String group, List<Stay> stays) {

    /** In {@code zone} from {@code fromMs} (inclusive) until {@code untilMs} (exclusive). */
    public record Stay(String zone, long fromMs, long untilMs) {}

    /** The zone the tag is truly in at {@code atMs}, or null when it is off site. */
    public String zoneAt(long atMs) {
        for (Stay s : stays) {
            if (atMs >= s.fromMs() && atMs < s.untilMs()) {
                return s.zone();
            }
        }
        return null;
    }

    /** When the tag first enters {@code zone}, or -1 if it never does. */
    public long entersAt(String zone) {
        return stays.stream().filter(s -> s.zone().equals(zone)).mapToLong(Stay::fromMs).min().orElse(-1);
    }
}

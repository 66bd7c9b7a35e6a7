package io.vigil.sim.rfid;

import io.vigil.common.rfid.Site;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a scenario's truth into what the readers report, inventory round by round: each antenna covering a tag's
 * zone reads it once a round unless it misses it, sometimes twice, and sometimes a neighbouring antenna of the same
 * reader reads it too, weaker. A read's fate depends only on (seed, tag, antenna, round), so the same seed gives
 * the same reads.
 */
public final class ReadGenerator {
    private final RfidScenario scenario;
    private final ReadPoints points;
    private final ReadNoise noise;
    private final long roundMs;

    public ReadGenerator(RfidScenario scenario, Site site, ReadNoise noise, long roundMs) {
        if (roundMs < 1) {
            throw new IllegalArgumentException("inventory round must be at least 1 ms, got " + roundMs);
        }
        this.scenario = scenario;
        this.points = new ReadPoints(site);
        this.noise = noise.validate();
        this.roundMs = roundMs;
    }

    public int rounds() {
        return (int) (scenario.length().toMillis() / roundMs);
    }

    public long roundMs() {
        return roundMs;
    }

    /** Readers of the site, in a fixed order. */
    public List<String> readers() {
        return points.readers();
    }

    /** The reports of inventory round {@code round}, event times from {@code startMs}, in event-time order. */
    public List<SimRead> round(int round, long startMs) {
        List<SimRead> out = new ArrayList<>();
        long seed = scenario.seed();
        for (int t = 0; t < scenario.tags().size(); t++) {
            SimTag tag = scenario.tags().get(t);
            // each tag answers at its own moment within the round
            long at = round * roundMs + (long) (Seeded.uniform(seed, t, round, 7) * roundMs * 0.8);
            String zone = tag.zoneAt(at);
            if (zone == null) {
                continue;
            }
            for (ReadPoints.Antenna a : points.inZone(zone)) {
                long key = a.reader().hashCode() * 31L + a.antenna();
                if (Seeded.uniform(seed, t, round, key) < noise.missRate()) {
                    continue;
                }
                double rssi = noise.rssiDbm() + Seeded.symmetric(seed, t, round, key + 1, noise.rssiSpreadDb());
                out.add(new SimRead(a.reader(), a.antenna(), tag.id(), round1(rssi), startMs + at));
                if (Seeded.uniform(seed, t, round, key + 2) < noise.duplicateRate()) {
                    out.add(new SimRead(a.reader(), a.antenna(), tag.id(), round1(rssi), startMs + at + 20));
                }
                for (ReadPoints.Antenna n : points.neighboursOf(a)) {
                    long nkey = n.reader().hashCode() * 31L + n.antenna();
                    if (Seeded.uniform(seed, t, round, key * 17 + nkey) < noise.crossReadRate()) {
                        out.add(new SimRead(n.reader(), n.antenna(), tag.id(),
                                round1(rssi - noise.crossReadDb()), startMs + at + 5));
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(SimRead::eventTime).thenComparing(SimRead::reader)
                .thenComparingInt(SimRead::antenna).thenComparing(SimRead::tagId));
        return out;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}

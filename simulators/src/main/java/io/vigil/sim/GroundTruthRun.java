package io.vigil.sim;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.sim.GroundTruthScenario.Kind;
import io.vigil.sim.GroundTruthScenario.Truth;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One day of one {@link GroundTruthScenario} as canonical readings and truth in event time, for evaluating the job
 * offline: no transport, no wall clock. Device ids name the scenario and day ({@code flood-d2-0}), so many runs
 * can share one job and one time span without their series mixing.
 *
 * @param day         which day of a multi-day evaluation; also varies the seed ({@code seed + day})
 * @param startMillis event time (epoch ms) of the run's first reading
 */
public record GroundTruthRun(String scenarioName, long seed, int day, long startMillis) implements Serializable {

    /** A true event of one device of this run, in event time (epoch ms): it holds from {@code from} until {@code until}. */
    public record Event(String device, String metric, Kind kind, long from, long until) {}

    public GroundTruthRun {
        GroundTruthScenario.create(scenarioName, seed, 1.0); // unknown names fail here, with the known ones
    }

    public GroundTruthScenario scenario() {
        return GroundTruthScenario.create(scenarioName, seed + day, 1.0);
    }

    public String deviceId(int index) {
        return scenarioName + "-d" + day + "-" + index;
    }

    /** How many device-days of data the run holds. */
    public double deviceDays() {
        GroundTruthScenario s = scenario();
        return s.devices() * s.length().toMillis() / 86_400_000.0;
    }

    /** Every reading of every device, in event-time order; silent devices send nothing while silent. */
    public List<Reading> readings() {
        GroundTruthScenario s = scenario();
        long step = s.interval().toMillis();
        List<Reading> out = new ArrayList<>();
        for (long t = 0; t < s.length().toMillis(); t += step) {
            for (int d = 0; d < s.devices(); d++) {
                if (!s.reports(d, t)) {
                    continue;
                }
                Measurement m = s.measure(d, t);
                long at = startMillis + t;
                out.add(new Reading(deviceId(d), s.site(d), scenarioName + "-" + s.zone(d), m.metric(), m.value(),
                        m.unit(), at, at, Protocol.UNKNOWN));
            }
        }
        return out;
    }

    public List<Event> truth() {
        List<Event> out = new ArrayList<>();
        for (Truth t : scenario().truth()) {
            out.add(new Event(deviceId(t.device()), t.metric(), t.kind(), startMillis + t.from().toMillis(),
                    startMillis + t.until().toMillis()));
        }
        return out;
    }
}

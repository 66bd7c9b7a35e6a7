package io.vigil.sim;

import java.util.List;

/** The scenarios a simulator can run, by name. */
public final class Scenarios {
    public static final List<String> NAMES = List.of(RiverFloodScenario.NAME);

    private Scenarios() {}

    public static Scenario create(String name, long seed, double timeScale) {
        if (RiverFloodScenario.NAME.equals(name)) {
            return new RiverFloodScenario(seed, timeScale);
        }
        throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + String.join(", ", NAMES));
    }
}

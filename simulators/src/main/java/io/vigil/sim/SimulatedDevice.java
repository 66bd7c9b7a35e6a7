package io.vigil.sim;

import io.vigil.common.Protocol;

/** One device of a simulated fleet: its index in the scenario, its id, and how it talks to the gateway. */
public record SimulatedDevice(int index, String id, Protocol protocol, String site, String zone) {}

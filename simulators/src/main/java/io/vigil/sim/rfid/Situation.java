package io.vigil.sim.rfid;

/**
 * A situation a scenario truly contains, with the instant it truly starts (ms from the start of the scenario): what
 * a perfect system would warn about at that instant. Warning lead time is measured from here.
 *
 * @param kind    {@code occupancy-pre-warning}, {@code occupancy-alarm}, {@code intrusion}, {@code missing-asset},
 *                {@code evacuation}, {@code hazmat-outside} (zone: where it is found), {@code dwell} (starts when the
 *                zone's maximum dwell is exceeded)
 * @param zone    the zone concerned
 * @param subject the tag concerned (its own id, as the simulator sends it), or null for a whole zone
 */
public record Situation(String kind, String zone, String subject, long startMs) {}

package io.vigil.job.rfid;

/**
 * How many tags are present in one zone from {@code eventTime} on: a point of the occupancy series.
 *
 * @param capacity the zone's capacity, 0 when the site does not monitor it
 */
public record ZoneCount(String site, String zone, int count, int capacity, long eventTime) {}

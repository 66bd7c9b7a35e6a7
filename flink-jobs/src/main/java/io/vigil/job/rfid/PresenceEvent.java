package io.vigil.job.rfid;

/**
 * One presence transition of one tag. {@code tagId} is a pseudonym for a person's tag (the gateway replaced it).
 *
 * @param zone      the zone entered (ARRIVED, MOVED) or left (DEPARTED)
 * @param fromZone  the zone left by a MOVED, else null
 * @param eventTime event time of the read that decided it, or for DEPARTED the instant the silence reached
 *                  {@code departAfter} (last read + departAfter), so downstream it is never behind the watermark
 */
public record PresenceEvent(String site, String tagId, String group, PresenceKind kind, String zone, String fromZone,
                            long eventTime) {}

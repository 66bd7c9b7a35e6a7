package io.vigil.job.rfid;

/** What the reads of one tag in one zone say lately: how many, how strong (smoothed), how recent. */
public class ZoneEvidence {
    public int reads;
    /** Exponentially smoothed RSSI in dBm; NaN until a read reported one. */
    public double rssi = Double.NaN;
    public long lastSeen = TagPresence.NONE;

    public ZoneEvidence() {}
}

package io.vigil.job.rfid;

/** A tag's change of whereabouts. */
public enum PresenceKind {
    /** First seen in a zone (after being nowhere). */
    ARRIVED,
    /** Now in another zone, decided on read counts and smoothed RSSI, not on one read. */
    MOVED,
    /** Not read anywhere for the configured time. */
    DEPARTED
}

package io.vigil.job.rfid;

/** A tag's change of whereabouts. */
public enum PresenceKind {
    /** First seen in a zone (after being nowhere). */
    ARRIVED,
    /** Now in another zone, decided on read counts and smoothed RSSI, not on one read. */
    MOVED,
    /** Not read anywhere for the configured time. */
    DEPARTED,
    /**
     * Not a change of whereabouts: the site's clock has started and this asset, declared by id in the site file,
     * is expected in its home zone from now on. Only {@link ExpectedAssets} sends it, only to
     * {@link MissingAssetWatch}; it is never a presence transition.
     */
    EXPECTED
}

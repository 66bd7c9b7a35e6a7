package io.vigil.job.rfid;

/** Where one tag stands. A Flink POJO so its serializer can evolve. */
public class TagPresence {
    public static final long NONE = Long.MIN_VALUE;

    /** Zone the tag is present in, or null while it is still nowhere (reads not yet enough). */
    public String zone;
    public String group;
    /** Event time of the latest read, from any zone. */
    public long lastSeen = NONE;
    /** The registered departure timer, or NONE. */
    public long departTimer = NONE;

    public TagPresence() {}
}

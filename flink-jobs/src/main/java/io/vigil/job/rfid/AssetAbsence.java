package io.vigil.job.rfid;

/** An asset away from its home zone. A Flink POJO. */
public class AssetAbsence {
    public String group;
    /** Event time it left home (or was first read elsewhere). */
    public long leftAt = TagPresence.NONE;
    /** The timer that declares it missing, then the one that forgets it; or NONE. */
    public long timer = TagPresence.NONE;
    public boolean missing;

    public AssetAbsence() {}
}

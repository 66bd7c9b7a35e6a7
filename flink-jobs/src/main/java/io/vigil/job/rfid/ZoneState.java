package io.vigil.job.rfid;

import io.vigil.job.detect.Level;

/** What the occupancy detector remembers about one zone besides who is present. A Flink POJO. */
public class ZoneState {
    /** The level of the last signal sent. */
    public Level level = Level.NORMAL;
    /** The timer that re-sends a cleared signal after closeAfter, so the lifecycle can close; or NONE. */
    public long closeTimer = TagPresence.NONE;
    /** The timer that forgets the trend of a zone that stayed empty; or NONE. */
    public long forgetTimer = TagPresence.NONE;

    public ZoneState() {}
}

package io.vigil.job.rfid;

import io.vigil.common.Phase;

/** The occupancy incident of one zone, a Flink POJO. */
public class OccupancyIncident {
    public Phase phase = Phase.NORMAL;
    public long startedAt = TagPresence.NONE;
    /** The registered timer that closes a recovered incident, or NONE. */
    public long closeTimer = TagPresence.NONE;

    public OccupancyIncident() {}
}

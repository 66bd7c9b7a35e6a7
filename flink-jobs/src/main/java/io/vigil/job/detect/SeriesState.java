package io.vigil.job.detect;

import io.vigil.common.Phase;

/**
 * Where one series stands under one threshold rule. A Flink POJO (public fields, no-arg constructor) so its
 * serializer can evolve when fields are added.
 */
public class SeriesState {
    /** Marks an unset time. */
    public static final long NONE = Long.MIN_VALUE;

    public Phase phase = Phase.NORMAL;
    /** Event time the open incident started, or NONE: part of the incident id. */
    public long incidentStart = NONE;
    /** Whether the open incident has been in ALARM: CLOSED then carries the rule's severity. */
    public boolean reachedAlarm;
    /** Event time of the first reading of the current unbroken run beyond the limit, or NONE. */
    public long breachSince = NONE;
    /** Event time of the first reading of the current unbroken run back within the clear level, or NONE. */
    public long clearSince = NONE;
    /** Event time of the last evaluated reading. */
    public long lastSeen = NONE;
    /** The registered timer that forgets a silent series, or NONE. */
    public long forgetTimer = NONE;

    public SeriesState() {}

    /** True if nothing is worth keeping: no incident and no run that could become one. */
    public boolean quiet() {
        return phase == Phase.NORMAL && breachSince == NONE;
    }

    public String incidentId(String ruleId, String deviceId, String metric) {
        return ruleId + ":" + deviceId + ":" + metric + ":" + incidentStart;
    }
}

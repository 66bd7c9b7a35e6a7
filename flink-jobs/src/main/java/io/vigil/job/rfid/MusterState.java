package io.vigil.job.rfid;

/** The evacuation of a site, open or last closed. A Flink POJO. */
public class MusterState {
    public boolean active;
    /** The incident whose ALARM started it: its re-publications (acknowledged, escalated) start nothing new. */
    public String triggerIncident;
    public long startedAt = TagPresence.NONE;
    /** Event time of the last signal sent: signals of one muster never go back in time. */
    public long lastSignal = TagPresence.NONE;
    /** The timer that forgets this muster; or NONE. */
    public long forgetTimer = TagPresence.NONE;

    public MusterState() {}
}

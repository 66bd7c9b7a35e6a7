package io.vigil.job.rfid;

/** A person inside a hazardous zone with a maximum dwell. A Flink POJO. */
public class DwellState {
    public String zone;
    public long enteredAt = TagPresence.NONE;
    public long warnTimer = TagPresence.NONE;
    public long alarmTimer = TagPresence.NONE;

    public DwellState() {}
}

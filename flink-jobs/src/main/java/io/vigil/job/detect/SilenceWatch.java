package io.vigil.job.detect;

/**
 * What the no-data detector keeps of one series, in one state entry: the last reading's fields an offline signal
 * repeats, whether it is offline, and the two deadlines it armed. (Four entries, one a whole Reading, cost a copy
 * of the key each in every checkpoint.) A Flink POJO: public fields, no-arg constructor.
 */
public class SilenceWatch {
    public static final long NONE = Long.MIN_VALUE;

    public String deviceId;
    public String site;
    public String zone;
    public String metric;
    public String unit;
    public double value;
    public long eventTime;
    public boolean offline;
    /** The event-time deadline armed, or NONE. */
    public long eventDeadline = NONE;
    /**
     * The wall-clock deadline (last arrival + timeout) while a processing-time timer is armed for it or an earlier
     * time (that timer moves on when it fires early), or NONE when none is armed.
     */
    public long wallDeadline = NONE;

    public SilenceWatch() {}
}

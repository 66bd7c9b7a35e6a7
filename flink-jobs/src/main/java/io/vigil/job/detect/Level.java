package io.vigil.job.detect;

/** What one detector says about one reading, in increasing order of concern. */
public enum Level {
    NORMAL,
    WARN,
    ALARM
}

package io.vigil.job.influx;

import java.io.Serializable;

/** Turns one record into one InfluxDB line-protocol point (time in ms), or null if it cannot be stored. */
@FunctionalInterface
public interface LineFormat<T> extends Serializable {
    String line(T value);
}

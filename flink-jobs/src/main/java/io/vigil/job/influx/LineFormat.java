package io.vigil.job.influx;

import java.io.Serializable;
import java.util.concurrent.TimeUnit;

/** Turns one record into one InfluxDB line-protocol point, or null if it cannot be stored. */
@FunctionalInterface
public interface LineFormat<T> extends Serializable {
    String line(T value);

    /** The unit of the times in {@link #line}'s points; one write request has one. */
    default TimeUnit precision() {
        return TimeUnit.MILLISECONDS;
    }

    /** {@code lines}, whose times are in nanoseconds. */
    static <T> LineFormat<T> inNanoseconds(LineFormat<T> lines) {
        return new LineFormat<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public String line(T value) {
                return lines.line(value);
            }

            @Override
            public TimeUnit precision() {
                return TimeUnit.NANOSECONDS;
            }
        };
    }
}

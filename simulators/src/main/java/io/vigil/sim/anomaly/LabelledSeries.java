package io.vigil.sim.anomaly;

import java.util.List;

/**
 * One generated series: reading times (epoch ms, increasing) and values, and the windows where anomalies were
 * put in. Everything outside the windows is normal behaviour, however it varies.
 */
public record LabelledSeries(String name, long[] times, double[] values, List<LabelledWindow> windows) {
    public LabelledSeries {
        if (times.length != values.length) {
            throw new IllegalArgumentException("times and values differ in length");
        }
        windows = List.copyOf(windows);
    }

    public int size() {
        return times.length;
    }
}

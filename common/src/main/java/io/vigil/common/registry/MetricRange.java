package io.vigil.common.registry;

/** The physically possible values of a metric; a reading outside is a broken or tampered sensor. */
public record MetricRange(double min, double max) {
    public MetricRange {
        if (!(min <= max) || Double.isNaN(min) || Double.isNaN(max)) {
            throw new IllegalArgumentException("range needs min <= max, got " + min + ".." + max);
        }
    }

    public boolean contains(double value) {
        return value >= min && value <= max;
    }
}

package io.vigil.job.rules;

/** Physically possible values of the rule's metric: a reading outside [min, max] means a broken sensor. */
public record Range(double min, double max) implements Condition {
    public static final String KIND = "range";

    @Override
    public String kind() {
        return KIND;
    }

    public boolean possible(double value) {
        return value >= min && value <= max;
    }
}

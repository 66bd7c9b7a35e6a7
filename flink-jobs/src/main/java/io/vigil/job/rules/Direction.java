package io.vigil.job.rules;

/** Which side of a level is bad: {@code above} (flood, heat) or {@code below} (drought, low pressure). */
public enum Direction {
    ABOVE,
    BELOW;

    /** True if {@code value} is strictly on the bad side of {@code level}. */
    public boolean beyond(double value, double level) {
        return this == ABOVE ? value > level : value < level;
    }

    /** True if {@code value} is strictly on the good side of {@code level}. */
    public boolean within(double value, double level) {
        return this == ABOVE ? value < level : value > level;
    }
}

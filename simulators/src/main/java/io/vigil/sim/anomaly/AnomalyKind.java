package io.vigil.sim.anomaly;

/** What went wrong in a labelled window of a generated series. */
public enum AnomalyKind {
    /** One to three readings far off the series (a glitch, a splash, an electrical transient). */
    SPIKE,
    /** The level jumps and stays (a sensor moved or recalibrated, a valve opened). */
    LEVEL_SHIFT,
    /** The level creeps away over hours (fouling, a leak, a failing reference). */
    DRIFT,
    /** The noise grows several-fold for a few hours (a loose mount, interference). */
    VARIANCE_CHANGE,
    /** The sensor repeats its last value exactly (a frozen firmware, a stuck float). */
    STUCK;

    /** The name used on the command line and in reports, e.g. {@code level-shift}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

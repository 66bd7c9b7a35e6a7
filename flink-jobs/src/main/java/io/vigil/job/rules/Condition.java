package io.vigil.job.rules;

import java.io.Serializable;

/**
 * What a rule watches for. Each kind has its own YAML block and its own detector; more kinds (rate of change,
 * no data, flatline, ...) join this interface.
 */
public sealed interface Condition extends Serializable permits Threshold {
    /** The YAML block name of this kind, e.g. {@code threshold}. */
    String kind();
}

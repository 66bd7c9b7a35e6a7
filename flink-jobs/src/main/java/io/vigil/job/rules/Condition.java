package io.vigil.job.rules;

import java.io.Serializable;

/**
 * One detector of a rule: what it watches for. Each kind has its own YAML block and its own keyed detector
 * operator; a rule combines one or more kinds and the incident lifecycle merges their signals.
 */
public sealed interface Condition extends Serializable
        permits Threshold, RateOfChange, PredictedCrossing, NoData, Flatline, Range, Anomaly, GroupAnomaly,
        SiteWarning {
    /** The YAML block name of this kind, e.g. {@code threshold}; also the detector name in signals. */
    String kind();
}

package io.vigil.job.detect;

import io.vigil.common.Reading;

/**
 * A reading routed to one detector kind of one rule that watches its series: a reading matching two rules, or a
 * rule with two detectors, travels once per pair.
 *
 * @param kind the detector kind it is routed to (e.g. {@code threshold}); null when not routed (tests feeding one
 *             detector directly)
 */
public record RuleReading(String ruleId, String kind, Reading reading) {
    public RuleReading(String ruleId, Reading reading) {
        this(ruleId, null, reading);
    }

    /** Detector state is kept per rule and series: {@code ruleId|deviceId/metric}. */
    public String key() {
        return key(ruleId, reading.seriesKey());
    }

    public static String key(String ruleId, String seriesKey) {
        return ruleId + "|" + seriesKey;
    }

    /** The rule id part of a key; rule ids never contain '|'. */
    public static String ruleIdOf(String key) {
        return key.substring(0, key.indexOf('|'));
    }
}

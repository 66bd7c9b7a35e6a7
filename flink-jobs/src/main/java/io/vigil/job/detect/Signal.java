package io.vigil.job.detect;

import java.util.List;

/**
 * What one detector of one rule says about one series at one event time; the incident lifecycle merges the
 * signals of a rule's detectors into phases.
 *
 * @param detector  the detector kind, e.g. {@code threshold}
 * @param cleared   false while this detector holds an ALARM open (e.g. not yet past a threshold's clear level);
 *                  an ALARM recovers only once every detector says true. Pre-warning-only detectors always say true
 * @param limit     the level this signal refers to (the crossed limit, or the predicted one)
 * @param eta       predicted time the limit is crossed (epoch ms), or null
 * @param immediate true for a signal raised on processing time (a whole site silent, the watermark stalled): the
 *                  lifecycle applies it at once instead of waiting for the watermark
 * @param receiveTime when the gateway received the reading behind the signal (epoch ms), for the pipeline's
 *                  end-to-end latency; 0 when no reading is behind it (a device gone silent)
 * @param members   for a signal about a group (the people of a muster not yet accounted for), its members, already
 *                  pseudonymised; a change re-publishes the open incident's phase. Null for other signals
 */
public record Signal(
        String ruleId,
        String detector,
        String deviceId,
        String site,
        String zone,
        String metric,
        String unit,
        Level level,
        boolean cleared,
        double value,
        double limit,
        Long eta,
        long eventTime,
        boolean immediate,
        long receiveTime,
        List<String> members) {

    public Signal {
        members = members == null ? null : List.copyOf(members);
    }

    /** A signal about one series, not a group. */
    public Signal(String ruleId, String detector, String deviceId, String site, String zone, String metric, String unit,
                  Level level, boolean cleared, double value, double limit, Long eta, long eventTime, boolean immediate,
                  long receiveTime) {
        this(ruleId, detector, deviceId, site, zone, metric, unit, level, cleared, value, limit, eta, eventTime,
                immediate, receiveTime, null);
    }

    /** A detector's opinion of one reading of a series. */
    public static Signal of(io.vigil.job.rules.Rule rule, String detector, io.vigil.common.Reading r, Level level,
                            boolean cleared, double limit, Long eta) {
        return new Signal(rule.id(), detector, r.deviceId(), r.site(), r.zone(), r.metric(), r.unit(), level, cleared,
                r.value(), limit, eta, r.eventTime(), false, r.receiveTime());
    }

    /**
     * The key of this rule's incidents about this subject: {@code rule:device:metric}, an incident id without its start
     * time (the incident lifecycle is keyed by it). Not a series key, which is {@code device/metric}.
     */
    public String incidentKey() {
        return incidentKey(ruleId, deviceId, metric);
    }

    public static String incidentKey(String ruleId, String deviceId, String metric) {
        return ruleId + ":" + deviceId + ":" + metric;
    }
}

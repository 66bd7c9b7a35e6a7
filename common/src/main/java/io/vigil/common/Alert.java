package io.vigil.common;

import io.vigil.common.incident.IncidentReport;

/**
 * One incident transition (or an update of the current phase: acknowledged, escalated), as published on
 * {@code vigil.alerts}, MQTT and Alertmanager.
 *
 * <p>{@code incidentId} is deterministic ({@code rule:device:metric:start}), so a replay or a restart from a
 * checkpoint yields the same id and sinks can overwrite instead of duplicating. Everything before its last
 * {@code ':'} names the rule and series the incident belongs to.
 *
 * @param phase          the phase entered by this transition
 * @param eventTime      event time of the reading that caused the transition (epoch ms)
 * @param startedAt      event time the incident started (epoch ms)
 * @param value          the value that caused the transition
 * @param limit          the level crossed (or cleared) by this transition
 * @param department     who handles the incident, from the rules file; null if none is configured
 * @param eta            predicted time the limit is crossed (epoch ms), for a forecast PRE_WARNING; else null
 * @param acknowledgedBy the duty officer who acknowledged the incident, or null
 * @param escalation     0, then +1 each time an unacknowledged ALARM is re-notified
 * @param report         the post-event report, on CLOSED only
 */
public record Alert(
        String incidentId,
        String ruleId,
        String subject,
        String site,
        String zone,
        String metric,
        Phase phase,
        String severity,
        double value,
        double limit,
        long eventTime,
        long startedAt,
        String summary,
        String description,
        String department,
        Long eta,
        String acknowledgedBy,
        int escalation,
        IncidentReport report) {

    /** The rule-and-series part of an incident id (everything before the start time), or null if malformed. */
    public static String incidentKeyOf(String incidentId) {
        int cut = incidentId == null ? -1 : incidentId.lastIndexOf(':');
        return cut <= 0 ? null : incidentId.substring(0, cut);
    }
}

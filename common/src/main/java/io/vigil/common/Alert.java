package io.vigil.common;

/**
 * One incident transition, as published on {@code vigil.alerts} and MQTT.
 *
 * <p>{@code incidentId} is deterministic (rule, subject and the event time the incident started), so a replay or a
 * restart from a checkpoint yields the same id and sinks can overwrite instead of duplicating.
 *
 * @param phase       the phase entered by this transition
 * @param eventTime   event time of the reading that caused the transition (epoch ms)
 * @param startedAt   event time the incident started (epoch ms)
 * @param value       the value that caused the transition
 * @param limit       the limit of the rule that was crossed (or cleared)
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
        String description) {}

package io.vigil.common.incident;

/**
 * What a person did to the system, for supervisors: acknowledgements, rules changes, escalations. Published on
 * {@code vigil.audit} and stored in InfluxDB (measurement {@code audit}).
 *
 * @param kind    ACKNOWLEDGED, RULES_CHANGED, RULES_REJECTED, ESCALATED
 * @param subject the incident id, or the rules source
 * @param by      who (for ESCALATED: "vigil")
 * @param at      when (epoch ms)
 * @param source  from where (address, topic or file)
 * @param detail  what: the comment, a summary of the rules diff, the escalation level
 */
public record AuditEvent(String kind, String subject, String by, long at, String source, String detail) {}

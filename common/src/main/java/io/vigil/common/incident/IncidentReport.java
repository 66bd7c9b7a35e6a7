package io.vigil.common.incident;

import java.util.List;

/**
 * The post-event report of a closed incident. Times are event times (epoch ms) except {@code acknowledgedAt},
 * which is when the officer acknowledged (wall clock). Durations are in ms; a null means "did not happen"
 * (no pre-warning, never acknowledged, never reached ALARM).
 */
public record IncidentReport(
        String incidentId,
        String ruleId,
        String subject,
        String site,
        String zone,
        String department,
        List<String> devices,
        Long firstPreWarningAt,
        Long alarmAt,
        Long leadTimeMs,
        double peakValue,
        long peakAt,
        long startedAt,
        long closedAt,
        long durationMs,
        Long acknowledgedAt,
        String acknowledgedBy,
        Long timeToAcknowledgeMs,
        long readings) {}

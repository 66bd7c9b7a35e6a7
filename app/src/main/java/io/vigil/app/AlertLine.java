package io.vigil.app;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.HumanDurations;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Function;

/**
 * One console line per incident transition, saying what a duty officer needs: phase, rule, where, the value against
 * its limit, when a forecast expects the limit to be crossed, and for a silent device how long it has been silent
 * (a no-data alert's limit is a timeout in milliseconds, which read as a level would mean nothing).
 */
final class AlertLine {
    private final Function<String, Long> silenceLimitMs;

    /** @param silenceLimitMs a rule id's no-data timeout in ms, or null when the rule has no no-data condition */
    AlertLine(Function<String, Long> silenceLimitMs) {
        this.silenceLimitMs = silenceLimitMs;
    }

    static AlertLine forRules(RuleSet rules) {
        return new AlertLine(id -> {
            Rule rule = rules.rule(id);
            NoData noData = rule == null ? null : rule.noData();
            return noData == null ? null : noData.timeoutMs();
        });
    }

    String format(Alert a) {
        return String.format(Locale.ROOT, "ALERT %-11s %s at %s/%s: %s  incident %s — %s", a.phase(), a.ruleId(),
                a.zone(), a.subject(), measure(a), a.incidentId(), a.summary());
    }

    private String measure(Alert a) {
        Long silence = silenceLimitMs.apply(a.ruleId());
        if (silence != null && a.limit() == silence) {
            String limit = HumanDurations.format(silence);
            if (a.phase() == Phase.RECOVERING || a.phase() == Phase.CLOSED) {
                return String.format(Locale.ROOT, "%s reporting again, %.2f (silence limit %s)", a.metric(), a.value(),
                        limit);
            }
            // the incident starts when the silence reaches the limit; later updates (escalations) are later still
            long silentMs = Math.max(0, a.eventTime() - a.startedAt()) + silence;
            return String.format(Locale.ROOT, "no %s for %s (limit %s), last value %.2f", a.metric(),
                    HumanDurations.format(silentMs), limit, a.value());
        }
        String line = String.format(Locale.ROOT, "%s %.2f, limit %.2f", a.metric(), a.value(), a.limit());
        if (a.eta() != null) {
            line += String.format(Locale.ROOT, ", expected to reach it at %s (%s)",
                    Instant.ofEpochMilli(a.eta()).truncatedTo(ChronoUnit.SECONDS),
                    a.eta() > a.eventTime() ? "in " + HumanDurations.format(a.eta() - a.eventTime()) : "now");
        }
        return line;
    }
}

package io.vigil.job.detect;

import io.vigil.common.Phase;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.NoData;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Renders a rule's summary and description templates. Placeholders: {@code {device} {site} {zone} {metric}
 * {value} {unit} {limit} {level} {rule} {phase} {severity}}; {@code {limit}} is the rule's ALARM limit,
 * {@code {level}} the level crossed by this transition (warn, limit or clear), {@code {eta}} the predicted time of
 * crossing (ISO-8601 UTC, empty without a forecast), {@code {department}}, {@code {members}} (a group signal's
 * members, comma-separated). Unknown placeholders stay as written.
 */
public final class AlertText {
    private AlertText() {}

    public static String render(String template, Rule rule, Signal reading, Phase phase, String severity,
                                double limit, double level, Long eta, String department) {
        // a no-data signal's levels are the silence allowed, in ms: officers read "5m", not "300000.0"
        boolean silence = NoData.KIND.equals(reading.detector());
        StringBuilder out = new StringBuilder(template.length() + 32);
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                out.append(template, at, template.length());
                break;
            }
            int close = nameEnd(template, open + 1);
            if (close < 0) { // a brace that opens no placeholder is text
                out.append(template, at, open + 1);
                at = open + 1;
                continue;
            }
            out.append(template, at, open);
            // each value worked out only where the template asks for it: most alerts use a few of them
            String v = switch (template.substring(open + 1, close)) {
                case "device" -> reading.deviceId();
                case "site" -> reading.site();
                case "zone" -> reading.zone();
                case "metric" -> reading.metric();
                case "value" -> number(reading.value());
                case "unit" -> reading.unit() == null ? "" : reading.unit();
                case "eta" -> eta == null ? "" : Instant.ofEpochMilli(eta).toString();
                case "department" -> department == null ? "" : department;
                case "limit" -> silence ? duration(limit) : number(limit);
                case "level" -> silence ? duration(level) : number(level);
                case "rule" -> rule.id();
                case "phase" -> phase.name();
                case "severity" -> severity;
                case "members" -> reading.members() == null ? "" : String.join(", ", reading.members());
                default -> null;
            };
            if (v == null) {
                out.append(template, open, close + 1); // unknown placeholders stay as written
            } else {
                out.append(v);
            }
            at = close + 1;
        }
        return out.toString().trim();
    }

    /** The index of the {@code }} closing a placeholder name of lower-case letters starting at {@code from}, or -1. */
    private static int nameEnd(String template, int from) {
        int i = from;
        while (i < template.length() && template.charAt(i) >= 'a' && template.charAt(i) <= 'z') {
            i++;
        }
        return i > from && i < template.length() && template.charAt(i) == '}' ? i : -1;
    }

    /** A silence in ms as a duration: 5m, 90s, 1h30m, 250ms. */
    static String duration(double ms) {
        if (!Double.isFinite(ms) || ms < 0) {
            return number(ms);
        }
        long total = Math.round(ms);
        if (total < 1000) {
            return total + "ms";
        }
        long s = total / 1000;
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0 || b.length() == 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }

    /** Shortest plain decimal, keeping one decimal place on whole numbers: 4.0, 3.85, 120.0. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
        return (d.scale() <= 0 ? d.setScale(1) : d).toPlainString();
    }
}

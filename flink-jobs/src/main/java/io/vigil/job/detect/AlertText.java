package io.vigil.job.detect;

import io.vigil.common.Phase;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.NoData;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a rule's summary and description templates. Placeholders: {@code {device} {site} {zone} {metric}
 * {value} {unit} {limit} {level} {rule} {phase} {severity}}; {@code {limit}} is the rule's ALARM limit,
 * {@code {level}} the level crossed by this transition (warn, limit or clear), {@code {eta}} the predicted time of
 * crossing (ISO-8601 UTC, empty without a forecast), {@code {department}}, {@code {members}} (a group signal's
 * members, comma-separated). Unknown placeholders stay as written.
 */
public final class AlertText {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");

    private AlertText() {}

    public static String render(String template, Rule rule, Signal reading, Phase phase, String severity,
                                double limit, double level, Long eta, String department) {
        // a no-data signal's levels are the silence allowed, in ms: officers read "5m", not "300000.0"
        boolean silence = NoData.KIND.equals(reading.detector());
        Map<String, String> values = Map.ofEntries(
                Map.entry("device", reading.deviceId()),
                Map.entry("site", reading.site()),
                Map.entry("zone", reading.zone()),
                Map.entry("metric", reading.metric()),
                Map.entry("value", number(reading.value())),
                Map.entry("unit", reading.unit() == null ? "" : reading.unit()),
                Map.entry("eta", eta == null ? "" : Instant.ofEpochMilli(eta).toString()),
                Map.entry("department", department == null ? "" : department),
                Map.entry("limit", silence ? duration(limit) : number(limit)),
                Map.entry("level", silence ? duration(level) : number(level)),
                Map.entry("rule", rule.id()),
                Map.entry("phase", phase.name()),
                Map.entry("severity", severity),
                Map.entry("members", reading.members() == null ? "" : String.join(", ", reading.members())));
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString().trim();
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

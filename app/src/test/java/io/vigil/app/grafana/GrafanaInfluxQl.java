package io.vigil.app.grafana;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Grafana's InfluxDB (InfluxQL) datasource does to a query before it sends it: {@code $timeFilter} becomes
 * {@code time >= now() - 6h} for a range ending now, {@code $__interval} the rounded range / max data points, and
 * a template variable that is multi-valued or has "All" becomes a regex-escaped value, or {@code (a|b)} for
 * several (so {@code /^$zone$/} reads {@code /^(a|b)$/}).
 */
public final class GrafanaInfluxQl {
    /** $name, ${name} and the deprecated [[name]]. */
    static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]");
    static final Set<String> BUILT_IN = Set.of("timeFilter", "__interval", "__interval_ms", "interval",
            "__range", "__range_s", "__range_ms", "__from", "__to", "__timeFilter");
    private static final Pattern RELATIVE = Pattern.compile("now-(\\d+)([smhdwy])");
    private static final long MAX_DATA_POINTS = 1000; // about a panel's width in pixels
    private static final List<Duration> STEPS = List.of(Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1));

    /** One template variable's selected values; {@code regexFormat}: multi-valued or with "All", as Grafana decides. */
    public record Selection(List<String> values, boolean regexFormat) {}

    private final String influxFrom;
    private final Duration range;
    private final Map<String, Selection> variables;

    /** {@code from}: the dashboard's relative start such as {@code now-6h}; the range ends now. */
    public GrafanaInfluxQl(String from, Map<String, Selection> variables) {
        Matcher m = RELATIVE.matcher(from);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a relative time range start: " + from);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        this.influxFrom = "now() - " + n + unit;
        this.range = switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> Duration.ofDays(365 * n);
        };
        this.variables = variables;
    }

    public String interpolate(String query) {
        Duration interval = interval();
        String q = query.replace("$timeFilter", "time >= " + influxFrom)
                .replace("$__interval_ms", String.valueOf(interval.toMillis()))
                .replace("$__interval", influxDuration(interval))
                .replace("$interval", influxDuration(interval));
        Matcher m = VARIABLE.matcher(q);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = name(m);
            Selection s = variables.get(name);
            if (s == null) {
                throw new IllegalArgumentException("undefined template variable $" + name + " in " + query);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(format(s)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Variable names a query uses, built-ins excluded. */
    public static Set<String> variablesIn(String query) {
        Set<String> names = new TreeSet<>();
        Matcher m = VARIABLE.matcher(query);
        while (m.find()) {
            String name = name(m);
            if (!BUILT_IN.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    Duration interval() {
        long raw = Math.max(1, range.toMillis() / MAX_DATA_POINTS);
        Duration best = STEPS.get(0);
        for (Duration step : STEPS) {
            if (step.toMillis() <= raw) {
                best = step;
            }
        }
        return best;
    }

    static String influxDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static String name(Matcher m) {
        return m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
    }

    /** Grafana's interpolateQueryExpr: a plain single-value variable is inserted as is. */
    private static String format(Selection s) {
        if (!s.regexFormat()) {
            return s.values().isEmpty() ? "" : s.values().get(0);
        }
        List<String> escaped = s.values().stream().map(GrafanaInfluxQl::regexEscape).toList();
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    /** Grafana's escapeRegex: regex metacharacters and '/', which ends an InfluxQL regex. */
    static String regexEscape(String value) {
        return value.replaceAll("[\\\\^$*+?.()|{}\\[\\]/]", "\\\\$0");
    }
}

package io.vigil.job.rules;

import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.common.config.YamlNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a rules file (schema in docs/rules.md). Every problem is an {@link InvalidConfigFileException}
 * naming file, line and field; a rules file is either wholly valid or not used at all.
 */
public final class RulesLoader {
    private static final Pattern ID = Pattern.compile("[a-z0-9-]+");
    private static final Set<String> RULE_FIELDS = Set.of("id", "metric", "devices", "zones", "severity", "summary",
            "description", "department", "escalate_after", Threshold.KIND, RateOfChange.KIND, PredictedCrossing.KIND,
            NoData.KIND, Flatline.KIND, Range.KIND, Anomaly.KIND, GroupAnomaly.KIND);
    private static final List<String> KINDS = List.of(Threshold.KIND, RateOfChange.KIND, PredictedCrossing.KIND,
            NoData.KIND, Flatline.KIND, Range.KIND, Anomaly.KIND, GroupAnomaly.KIND);
    private static final Set<String> THRESHOLD_FIELDS = Set.of("above", "below", "warn", "clear", "for", "clear_for");
    private static final Set<String> RATE_FIELDS = Set.of("rise", "fall", "within", "raises");
    private static final Set<String> FORECAST_FIELDS = Set.of("above", "below", "horizon", "window", "min_readings");
    private static final Set<String> NO_DATA_FIELDS = Set.of("expected_every", "factor");
    private static final Set<String> FLATLINE_FIELDS = Set.of("epsilon", "for");
    private static final Set<String> RANGE_FIELDS = Set.of("min", "max");
    private static final Set<String> ANOMALY_FIELDS = Set.of("level", "warn", "for", "clear_for");
    private static final Set<String> GROUP_ANOMALY_FIELDS = Set.of("by", "at_least", "within", "clear_for");
    static final String DEFAULT_SEVERITY = "critical";
    static final String DEFAULT_SUMMARY = "{rule}: {metric} at {device} in {zone}";
    static final String DEFAULT_DESCRIPTION = "{device} reads {value} {unit}, limit {limit} {unit}";
    /** A group incident's subject is the group ({@code site:zone}, or {@code site}); {value} is how many series count. */
    static final String DEFAULT_GROUP_SUMMARY = "{rule}: {value} series anomalous together in {device}";
    static final String DEFAULT_GROUP_DESCRIPTION = "anomalous within the window: {members} (at least {limit})";

    private RulesLoader() {}

    public static RuleSet load(Path path) {
        return read(YamlNode.load(path, "rules"));
    }

    /** Parses rules from text; {@code source} names it in error messages. */
    public static RuleSet parse(String yaml, String source) {
        return read(YamlNode.parse(yaml, source, "rules"));
    }

    private static RuleSet read(YamlNode root) {
        root.expect(YamlNode.Kind.MAP, "a mapping with a 'rules' list").rejectUnknown(Set.of("rules", "departments"));
        Map<Glob, String> departments = new java.util.LinkedHashMap<>();
        YamlNode deps = root.field("departments");
        if (deps != null) {
            deps.expect(YamlNode.Kind.MAP, "a mapping of zone pattern to department");
            for (Map.Entry<String, YamlNode> e : deps.fields.entrySet()) {
                departments.put(new Glob(e.getKey()), e.getValue().text());
            }
        }
        YamlNode list = root.field("rules");
        if (list == null) {
            throw root.fail("rules", "missing: the file must contain a 'rules' list");
        }
        if (list.kind == YamlNode.Kind.SCALAR && list.text == null) {
            return new RuleSet(List.of(), departments);
        }
        list.expect(YamlNode.Kind.LIST, "a list of rules");
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> idLines = new HashMap<>();
        for (YamlNode item : list.items) {
            Rule rule = rule(item);
            YamlNode id = item.field("id");
            Integer first = idLines.putIfAbsent(rule.id(), id.line);
            if (first != null) {
                throw id.fail("duplicate rule id \"" + rule.id() + "\" (first defined on line " + first + ")");
            }
            rules.add(rule);
        }
        return new RuleSet(rules, departments);
    }

    private static Rule rule(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a rule (a mapping with id, metric, threshold, ...)").rejectUnknown(RULE_FIELDS);
        YamlNode idNode = node.required("id");
        String id = idNode.text();
        if (!ID.matcher(id).matches()) {
            throw idNode.fail("\"" + id + "\" is not a valid id: use lower-case letters, digits and '-'");
        }
        String metric = node.required("metric").text();
        Glob devices = node.optionalText("devices").map(Glob::new).orElse(Glob.ANY);
        Glob zones = node.optionalText("zones").map(Glob::new).orElse(Glob.ANY);
        List<Condition> conditions = new ArrayList<>();
        for (String kind : KINDS) {
            YamlNode block = node.field(kind);
            if (block != null) {
                conditions.add(condition(kind, block));
            }
        }
        if (conditions.isEmpty()) {
            throw node.fail(YamlNode.join(node.path, Threshold.KIND),
                    "missing detector: give at least one of " + KINDS);
        }
        boolean group = node.has(GroupAnomaly.KIND);
        if (group && conditions.size() > 1) {
            // its incident is the group's, the others' are each series': one rule id cannot name both kinds
            throw node.field(GroupAnomaly.KIND).fail("a group_anomaly rule watches a whole group: give it a rule of "
                    + "its own, without other detectors");
        }
        YamlNode escalate = node.field("escalate_after");
        Duration escalateAfter = escalate == null ? null : escalate.positiveDuration();
        return new Rule(id, metric, devices, zones, conditions,
                node.optionalText("severity").orElse(DEFAULT_SEVERITY),
                node.optionalText("summary").orElse(group ? DEFAULT_GROUP_SUMMARY : DEFAULT_SUMMARY),
                node.optionalText("description").orElse(group ? DEFAULT_GROUP_DESCRIPTION : DEFAULT_DESCRIPTION),
                node.optionalText("department").orElse(null), escalateAfter);
    }

    private static Condition condition(String kind, YamlNode node) {
        return switch (kind) {
            case Threshold.KIND -> threshold(node);
            case RateOfChange.KIND -> rate(node);
            case PredictedCrossing.KIND -> forecast(node);
            case NoData.KIND -> noData(node);
            case Flatline.KIND -> flatline(node);
            case Anomaly.KIND -> anomaly(node);
            case GroupAnomaly.KIND -> groupAnomaly(node);
            default -> range(node);
        };
    }

    private static RateOfChange rate(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with rise or fall, within and optionally raises")
                .rejectUnknown(RATE_FIELDS);
        YamlNode bound = node.oneOf("rise", "fall");
        double delta = positive(bound);
        Duration window = node.required("within").positiveDuration();
        String raises = node.optionalText("raises").orElse("pre_warning");
        if (!raises.equals("pre_warning") && !raises.equals("alarm")) {
            YamlNode r = node.field("raises");
            throw r.fail("expected pre_warning or alarm, got " + r.describe());
        }
        return new RateOfChange(bound.path.endsWith("rise") ? Direction.ABOVE : Direction.BELOW, delta, window,
                raises.equals("alarm"));
    }

    private static PredictedCrossing forecast(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with above or below, horizon, window and optionally min_readings")
                .rejectUnknown(FORECAST_FIELDS);
        YamlNode bound = node.oneOf("above", "below");
        double limit = bound.number();
        Duration horizon = node.required("horizon").positiveDuration();
        Duration window = node.required("window").positiveDuration();
        int min = 5;
        YamlNode minNode = node.field("min_readings");
        if (minNode != null) {
            double n = minNode.number();
            if (n < 3 || n != Math.rint(n)) {
                throw minNode.fail("expected a whole number of at least 3, got " + minNode.describe());
            }
            min = (int) n;
        }
        return new PredictedCrossing(bound.path.endsWith("above") ? Direction.ABOVE : Direction.BELOW, limit, horizon,
                window, min);
    }

    private static NoData noData(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with expected_every and optionally factor")
                .rejectUnknown(NO_DATA_FIELDS);
        Duration every = node.required("expected_every").positiveDuration();
        YamlNode f = node.field("factor");
        double factor = f == null ? 3 : f.number();
        if (factor < 1) {
            throw f.fail("must be at least 1 (a device is offline only after missing its interval)");
        }
        return new NoData(every, factor);
    }

    private static Flatline flatline(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with for and optionally epsilon").rejectUnknown(FLATLINE_FIELDS);
        YamlNode e = node.field("epsilon");
        double epsilon = e == null ? 0 : e.number();
        if (epsilon < 0) {
            throw e.fail("must not be negative");
        }
        return new Flatline(epsilon, node.required("for").positiveDuration());
    }

    /** Every field is optional: {@code anomaly: {}} means the defaults of {@link Anomaly#defaults()}. */
    private static Anomaly anomaly(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with optionally level, warn, for, clear_for")
                .rejectUnknown(ANOMALY_FIELDS);
        Anomaly defaults = Anomaly.defaults();
        YamlNode levelNode = node.field("level");
        double level = levelNode == null ? defaults.level() : score(levelNode);
        YamlNode warnNode = node.field("warn");
        Double warn = warnNode != null ? Double.valueOf(score(warnNode))
                : defaults.warn() < level ? defaults.warn() : null;
        if (warn != null && warn >= level) {
            throw warnNode.fail("the pre-warning score must be below the level " + format(level));
        }
        Duration clearFor = node.optionalDuration("clear_for").orElse(defaults.clearFor());
        return new Anomaly(level, warn, zeroUnlessGiven(node, "for"), clearFor);
    }

    /** {@code at_least} is required; a group is a zone unless {@code by: site}; {@code within} is 10m unless given. */
    private static GroupAnomaly groupAnomaly(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with at_least and optionally by, within, clear_for")
                .rejectUnknown(GROUP_ANOMALY_FIELDS);
        GroupAnomaly.By by = GroupAnomaly.By.ZONE;
        YamlNode byNode = node.field("by");
        if (byNode != null) {
            String b = byNode.text();
            if (!b.equals("zone") && !b.equals("site")) {
                throw byNode.fail("expected zone or site, got " + byNode.describe());
            }
            by = b.equals("site") ? GroupAnomaly.By.SITE : GroupAnomaly.By.ZONE;
        }
        YamlNode atLeastNode = node.required("at_least");
        double atLeast = atLeastNode.number();
        if (atLeast < 1 || atLeast != Math.rint(atLeast) || atLeast > 10_000) {
            throw atLeastNode.fail("expected a whole number of series of at least 1, got " + atLeastNode.describe());
        }
        Duration within = node.has("within") ? node.field("within").positiveDuration() : GroupAnomaly.DEFAULT_WITHIN;
        return new GroupAnomaly(by, (int) atLeast, within, zeroUnlessGiven(node, "clear_for"));
    }

    private static double score(YamlNode node) {
        double v = node.number();
        if (v <= 0 || v > 1) {
            throw node.fail("an anomaly score is in (0, 1], got " + node.describe());
        }
        return v;
    }

    private static Range range(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with min and max").rejectUnknown(RANGE_FIELDS);
        double min = node.required("min").number();
        YamlNode maxNode = node.required("max");
        double max = maxNode.number();
        if (max <= min) {
            throw maxNode.fail("must be greater than min " + format(min));
        }
        return new Range(min, max);
    }

    private static double positive(YamlNode node) {
        double v = node.number();
        if (v <= 0) {
            throw node.fail("must be greater than 0");
        }
        return v;
    }

    private static Threshold threshold(YamlNode node) {
        node.expect(YamlNode.Kind.MAP, "a mapping with above or below, and optionally warn, clear, for, clear_for")
                .rejectUnknown(THRESHOLD_FIELDS);
        YamlNode above = node.field("above");
        YamlNode below = node.field("below");
        if (above != null && below != null) {
            throw below.fail("give either above or below, not both");
        }
        if (above == null && below == null) {
            throw node.fail(YamlNode.join(node.path, "above"), "missing limit: give above or below");
        }
        Direction direction = above != null ? Direction.ABOVE : Direction.BELOW;
        double limit = (above != null ? above : below).number();
        Double warn = null;
        YamlNode warnNode = node.field("warn");
        if (warnNode != null) {
            warn = warnNode.number();
            if (!direction.within(warn, limit)) {
                throw warnNode.fail("the pre-warning level must be "
                        + (direction == Direction.ABOVE ? "below" : "above") + " the limit " + format(limit) + " (it warns before the limit is reached)");
            }
        }
        double clear = limit;
        YamlNode clearNode = node.field("clear");
        if (clearNode != null) {
            clear = clearNode.number();
            if (direction.beyond(clear, limit)) {
                throw clearNode.fail("the clear level must not be " + (direction == Direction.ABOVE ? "above" : "below")
                        + " the limit " + format(limit));
            }
        }
        return new Threshold(direction, limit, warn, clear, zeroUnlessGiven(node, "for"),
                zeroUnlessGiven(node, "clear_for"));
    }

    /** A hold time ({@code for}, {@code clear_for}): none unless given. */
    private static Duration zeroUnlessGiven(YamlNode map, String field) {
        return map.optionalDuration(field).orElse(Duration.ZERO);
    }

    private static String format(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}

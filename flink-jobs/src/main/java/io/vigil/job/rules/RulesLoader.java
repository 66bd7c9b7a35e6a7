package io.vigil.job.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.common.config.YamlNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a rules file (schema in docs/rules.md). Every problem is an {@link InvalidRulesException}
 * naming file, line and field; a rules file is either wholly valid or not used at all.
 */
public final class RulesLoader {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern ID = Pattern.compile("[a-z0-9-]+");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
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

    private final String file;

    private RulesLoader(String file) {
        this.file = file;
    }

    public static RuleSet load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidRulesException(path.toString(), 0, "(file)", "cannot read: " + e);
        }
        return parse(text, path.toString());
    }

    /** Parses rules from text; {@code source} names it in error messages. */
    public static RuleSet parse(String yaml, String source) {
        return new RulesLoader(source).parse(yaml);
    }

    private RuleSet parse(String yaml) {
        YamlNode root;
        try (JsonParser p = YAML.createParser(yaml)) {
            if (p.nextToken() == null) {
                throw new InvalidRulesException(file, 1, "rules", "the file is empty");
            }
            root = YamlNode.read(p, "", file, 0, InvalidRulesException::new);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InvalidRulesException(file, line, "(syntax)", e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRulesException(file, 0, "(file)", e.toString());
        }
        expect(root, YamlNode.Kind.MAP, "a mapping with a 'rules' list");
        rejectUnknown(root, Set.of("rules", "departments"));
        Map<Glob, String> departments = new java.util.LinkedHashMap<>();
        YamlNode deps = root.fields.get("departments");
        if (deps != null) {
            expect(deps, YamlNode.Kind.MAP, "a mapping of zone pattern to department");
            for (Map.Entry<String, YamlNode> e : deps.fields.entrySet()) {
                departments.put(new Glob(e.getKey()), text(e.getValue()));
            }
        }
        YamlNode list = root.fields.get("rules");
        if (list == null) {
            throw fail(root, "rules", "missing: the file must contain a 'rules' list");
        }
        if (list.kind == YamlNode.Kind.SCALAR && list.text == null) {
            return new RuleSet(List.of(), departments);
        }
        expect(list, YamlNode.Kind.LIST, "a list of rules");
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> idLines = new HashMap<>();
        for (YamlNode item : list.items) {
            Rule rule = rule(item);
            Integer first = idLines.putIfAbsent(rule.id(), item.fields.get("id").line);
            if (first != null) {
                YamlNode id = item.fields.get("id");
                throw fail(id, id.path, "duplicate rule id \"" + rule.id() + "\" (first defined on line " + first + ")");
            }
            rules.add(rule);
        }
        return new RuleSet(rules, departments);
    }

    private Rule rule(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a rule (a mapping with id, metric, threshold, ...)");
        rejectUnknown(node, RULE_FIELDS);
        YamlNode idNode = required(node, "id");
        String id = text(idNode);
        if (!ID.matcher(id).matches()) {
            throw fail(idNode, idNode.path, "\"" + id + "\" is not a valid id: use lower-case letters, digits and '-'");
        }
        String metric = text(required(node, "metric"));
        Glob devices = optionalText(node, "devices").map(Glob::new).orElse(Glob.ANY);
        Glob zones = optionalText(node, "zones").map(Glob::new).orElse(Glob.ANY);
        List<Condition> conditions = new ArrayList<>();
        for (String kind : KINDS) {
            YamlNode block = node.fields.get(kind);
            if (block != null) {
                conditions.add(condition(kind, block));
            }
        }
        if (conditions.isEmpty()) {
            throw fail(node, join(node.path, Threshold.KIND), "missing detector: give at least one of " + KINDS);
        }
        boolean group = node.fields.containsKey(GroupAnomaly.KIND);
        if (group && conditions.size() > 1) {
            // its incident is the group's, the others' are each series': one rule id cannot name both kinds
            YamlNode g = node.fields.get(GroupAnomaly.KIND);
            throw fail(g, g.path, "a group_anomaly rule watches a whole group: give it a rule of its own, without "
                    + "other detectors");
        }
        YamlNode escalate = node.fields.get("escalate_after");
        Duration escalateAfter = escalate == null ? null : duration(node, "escalate_after");
        if (escalateAfter != null && escalateAfter.isZero()) {
            throw fail(escalate, escalate.path, "must be longer than 0");
        }
        return new Rule(id, metric, devices, zones, conditions,
                optionalText(node, "severity").orElse(DEFAULT_SEVERITY),
                optionalText(node, "summary").orElse(group ? DEFAULT_GROUP_SUMMARY : DEFAULT_SUMMARY),
                optionalText(node, "description").orElse(group ? DEFAULT_GROUP_DESCRIPTION : DEFAULT_DESCRIPTION),
                optionalText(node, "department").orElse(null), escalateAfter);
    }

    private Condition condition(String kind, YamlNode node) {
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

    private RateOfChange rate(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with rise or fall, within and optionally raises");
        rejectUnknown(node, RATE_FIELDS);
        YamlNode bound = oneOf(node, "rise", "fall");
        double delta = positive(bound);
        Duration window = positiveDuration(node, "within");
        String raises = optionalText(node, "raises").orElse("pre_warning");
        if (!raises.equals("pre_warning") && !raises.equals("alarm")) {
            YamlNode r = node.fields.get("raises");
            throw fail(r, r.path, "expected pre_warning or alarm, got " + r.describe());
        }
        return new RateOfChange(bound.path.endsWith("rise") ? Direction.ABOVE : Direction.BELOW, delta, window,
                raises.equals("alarm"));
    }

    private PredictedCrossing forecast(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with above or below, horizon, window and optionally min_readings");
        rejectUnknown(node, FORECAST_FIELDS);
        YamlNode bound = oneOf(node, "above", "below");
        double limit = number(bound);
        Duration horizon = positiveDuration(node, "horizon");
        Duration window = positiveDuration(node, "window");
        int min = 5;
        YamlNode minNode = node.fields.get("min_readings");
        if (minNode != null) {
            double n = number(minNode);
            if (n < 3 || n != Math.rint(n)) {
                throw fail(minNode, minNode.path, "expected a whole number of at least 3, got " + minNode.describe());
            }
            min = (int) n;
        }
        return new PredictedCrossing(bound.path.endsWith("above") ? Direction.ABOVE : Direction.BELOW, limit, horizon,
                window, min);
    }

    private NoData noData(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with expected_every and optionally factor");
        rejectUnknown(node, NO_DATA_FIELDS);
        Duration every = positiveDuration(node, "expected_every");
        YamlNode f = node.fields.get("factor");
        double factor = f == null ? 3 : number(f);
        if (factor < 1) {
            throw fail(f, f.path, "must be at least 1 (a device is offline only after missing its interval)");
        }
        return new NoData(every, factor);
    }

    private Flatline flatline(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with for and optionally epsilon");
        rejectUnknown(node, FLATLINE_FIELDS);
        YamlNode e = node.fields.get("epsilon");
        double epsilon = e == null ? 0 : number(e);
        if (epsilon < 0) {
            throw fail(e, e.path, "must not be negative");
        }
        return new Flatline(epsilon, positiveDuration(node, "for"));
    }

    /** Every field is optional: {@code anomaly: {}} means the defaults of {@link Anomaly#defaults()}. */
    private Anomaly anomaly(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with optionally level, warn, for, clear_for");
        rejectUnknown(node, ANOMALY_FIELDS);
        Anomaly defaults = Anomaly.defaults();
        YamlNode levelNode = node.fields.get("level");
        double level = levelNode == null ? defaults.level() : score(levelNode);
        YamlNode warnNode = node.fields.get("warn");
        Double warn = warnNode != null ? Double.valueOf(score(warnNode))
                : defaults.warn() < level ? defaults.warn() : null;
        if (warn != null && warn >= level) {
            throw fail(warnNode, warnNode.path, "the pre-warning score must be below the level " + format(level));
        }
        Duration clearFor = node.fields.containsKey("clear_for") ? duration(node, "clear_for") : defaults.clearFor();
        return new Anomaly(level, warn, duration(node, "for"), clearFor);
    }

    /** {@code at_least} is required; a group is a zone unless {@code by: site}; {@code within} is 10m unless given. */
    private GroupAnomaly groupAnomaly(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with at_least and optionally by, within, clear_for");
        rejectUnknown(node, GROUP_ANOMALY_FIELDS);
        GroupAnomaly.By by = GroupAnomaly.By.ZONE;
        YamlNode byNode = node.fields.get("by");
        if (byNode != null) {
            String b = text(byNode);
            if (!b.equals("zone") && !b.equals("site")) {
                throw fail(byNode, byNode.path, "expected zone or site, got " + byNode.describe());
            }
            by = b.equals("site") ? GroupAnomaly.By.SITE : GroupAnomaly.By.ZONE;
        }
        YamlNode atLeastNode = required(node, "at_least");
        double atLeast = number(atLeastNode);
        if (atLeast < 1 || atLeast != Math.rint(atLeast) || atLeast > 10_000) {
            throw fail(atLeastNode, atLeastNode.path, "expected a whole number of series of at least 1, got "
                    + atLeastNode.describe());
        }
        Duration within = node.fields.containsKey("within") ? positiveDuration(node, "within")
                : GroupAnomaly.DEFAULT_WITHIN;
        return new GroupAnomaly(by, (int) atLeast, within, duration(node, "clear_for"));
    }

    private double score(YamlNode node) {
        double v = number(node);
        if (v <= 0 || v > 1) {
            throw fail(node, node.path, "an anomaly score is in (0, 1], got " + node.describe());
        }
        return v;
    }

    private Range range(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with min and max");
        rejectUnknown(node, RANGE_FIELDS);
        double min = number(required(node, "min"));
        YamlNode maxNode = required(node, "max");
        double max = number(maxNode);
        if (max <= min) {
            throw fail(maxNode, maxNode.path, "must be greater than min " + format(min));
        }
        return new Range(min, max);
    }

    private YamlNode oneOf(YamlNode node, String a, String b) {
        YamlNode na = node.fields.get(a);
        YamlNode nb = node.fields.get(b);
        if (na != null && nb != null) {
            throw fail(nb, nb.path, "give either " + a + " or " + b + ", not both");
        }
        if (na == null && nb == null) {
            throw fail(node, node.path + "." + a, "missing: give " + a + " or " + b);
        }
        return na != null ? na : nb;
    }

    private double positive(YamlNode node) {
        double v = number(node);
        if (v <= 0) {
            throw fail(node, node.path, "must be greater than 0");
        }
        return v;
    }

    private Duration positiveDuration(YamlNode map, String field) {
        YamlNode node = required(map, field);
        Duration d = duration(map, field);
        if (d.isZero()) {
            throw fail(node, node.path, "must be longer than 0");
        }
        return d;
    }

    private Threshold threshold(YamlNode node) {
        expect(node, YamlNode.Kind.MAP, "a mapping with above or below, and optionally warn, clear, for, clear_for");
        rejectUnknown(node, THRESHOLD_FIELDS);
        YamlNode above = node.fields.get("above");
        YamlNode below = node.fields.get("below");
        if (above != null && below != null) {
            throw fail(below, below.path, "give either above or below, not both");
        }
        if (above == null && below == null) {
            throw fail(node, node.path + ".above", "missing limit: give above or below");
        }
        Direction direction = above != null ? Direction.ABOVE : Direction.BELOW;
        YamlNode limitNode = above != null ? above : below;
        double limit = number(limitNode);
        Double warn = null;
        YamlNode warnNode = node.fields.get("warn");
        if (warnNode != null) {
            warn = number(warnNode);
            if (!direction.within(warn, limit)) {
                throw fail(warnNode, warnNode.path, "the pre-warning level must be " + (direction == Direction.ABOVE
                        ? "below" : "above") + " the limit " + format(limit) + " (it warns before the limit is reached)");
            }
        }
        double clear = limit;
        YamlNode clearNode = node.fields.get("clear");
        if (clearNode != null) {
            clear = number(clearNode);
            if (direction.beyond(clear, limit)) {
                throw fail(clearNode, clearNode.path, "the clear level must not be " + (direction == Direction.ABOVE
                        ? "above" : "below") + " the limit " + format(limit));
            }
        }
        return new Threshold(direction, limit, warn, clear, duration(node, "for"), duration(node, "clear_for"));
    }

    private Duration duration(YamlNode map, String field) {
        YamlNode node = map.fields.get(field);
        if (node == null) {
            return Duration.ZERO;
        }
        String text = node.kind == YamlNode.Kind.SCALAR && node.text != null ? node.text.trim() : "";
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw fail(node, node.path, "expected a duration like 500ms, 10s, 5m, 1h or 1d, got " + node.describe());
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private double number(YamlNode node) {
        if (node.kind != YamlNode.Kind.SCALAR || !node.isNumber()) {
            throw fail(node, node.path, "expected a number, got " + node.describe());
        }
        double v = Double.parseDouble(node.text);
        if (!Double.isFinite(v)) {
            throw fail(node, node.path, "expected a finite number, got " + node.describe());
        }
        return v;
    }

    private String text(YamlNode node) {
        if (node.kind != YamlNode.Kind.SCALAR || node.text == null || node.text.isBlank()) {
            throw fail(node, node.path, "expected text, got " + node.describe());
        }
        return node.text;
    }

    private Optional<String> optionalText(YamlNode map, String field) {
        YamlNode node = map.fields.get(field);
        return node == null ? Optional.empty() : Optional.of(text(node));
    }

    private YamlNode required(YamlNode map, String field) {
        YamlNode node = map.fields.get(field);
        if (node == null) {
            throw fail(map, join(map.path, field), "missing required field");
        }
        return node;
    }

    private void expect(YamlNode node, YamlNode.Kind kind, String what) {
        if (node.kind != kind) {
            throw fail(node, node.path, "expected " + what + ", got " + node.describe());
        }
    }

    private void rejectUnknown(YamlNode map, Set<String> known) {
        for (Map.Entry<String, YamlNode> e : map.fields.entrySet()) {
            if (!known.contains(e.getKey())) {
                String field = e.getKey().isEmpty() ? join(map.path, "\"\"") : e.getValue().path;
                throw fail(e.getValue(), field, "unknown field; expected one of "
                        + new LinkedHashSet<>(known.stream().sorted().toList()));
            }
        }
    }

    /** {@code field} is a path; the empty path is the document itself. */
    private InvalidRulesException fail(YamlNode at, String field, String problem) {
        return new InvalidRulesException(file, at.line, field.isEmpty() ? "(top level)" : field, problem);
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String format(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}

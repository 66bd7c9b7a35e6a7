package io.vigil.job.rules;

import io.vigil.common.Reading;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** The rules the job evaluates, by id. Immutable and serializable, so Flink ships it to every task. */
public final class RuleSet implements Serializable {
    private static final long serialVersionUID = 1L;
    private final LinkedHashMap<String, Rule> byId = new LinkedHashMap<>();
    private final LinkedHashMap<Glob, String> departments = new LinkedHashMap<>();
    /** The shortest no-data timeout of any rule, or Long.MAX_VALUE: a gap no longer than this is no silence. */
    private final long shortestNoDataMs;

    public RuleSet(List<Rule> rules) {
        this(rules, java.util.Map.of());
    }

    /** @param departments zone glob → department, first match wins (in the given order) */
    public RuleSet(List<Rule> rules, java.util.Map<Glob, String> departments) {
        this.departments.putAll(departments);
        long shortest = Long.MAX_VALUE;
        for (Rule r : rules) {
            if (byId.putIfAbsent(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate rule id " + r.id());
            }
            NoData noData = r.noData();
            if (noData != null) {
                shortest = Math.min(shortest, noData.timeoutMs());
            }
        }
        this.shortestNoDataMs = shortest;
    }

    /** The shortest no-data timeout of these rules, or {@link Long#MAX_VALUE} when none watches for silence. */
    public long shortestNoDataTimeoutMs() {
        return shortestNoDataMs;
    }

    public static RuleSet of(Rule... rules) {
        return new RuleSet(List.of(rules));
    }

    /** Id of the rule in {@link #anomalyDefaults()}. */
    public static final String ANOMALY_DEFAULT_ID = "anomaly";

    /**
     * What runs when no rules are given (the backtest without {@code --rules}): one rule {@value #ANOMALY_DEFAULT_ID}
     * watching every metric of every device with the anomaly detector's defaults ({@link Anomaly#defaults()}).
     */
    public static RuleSet anomalyDefaults() {
        return of(new Rule(ANOMALY_DEFAULT_ID, Rule.ANY_METRIC, Glob.ANY, Glob.ANY, List.of(Anomaly.defaults()),
                "warning", "Unusual {metric} at {device} in {zone}",
                "{device} reads {value} {unit}, unlike its usual behaviour", null, null));
    }

    public List<Rule> rules() {
        return List.copyOf(byId.values());
    }

    /** The rule with this id, or null. */
    public Rule rule(String id) {
        return byId.get(id);
    }

    public List<Rule> matching(Reading reading) {
        List<Rule> out = new ArrayList<>(1);
        for (Rule r : byId.values()) {
            if (r.matches(reading)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The rule's own department, else the first {@code departments} entry matching the zone, else null. */
    public String departmentOf(Rule rule, String zone) {
        if (rule.department() != null) {
            return rule.department();
        }
        for (var e : departments.entrySet()) {
            if (e.getKey().matches(zone)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The same rule set with every rule replaced by {@code change.apply(rule)}; departments stay. */
    public RuleSet mapRules(java.util.function.UnaryOperator<Rule> change) {
        return new RuleSet(byId.values().stream().map(change).toList(), departments);
    }

    public int size() {
        return byId.size();
    }

    @Override
    public String toString() {
        return "RuleSet" + byId.keySet();
    }
}

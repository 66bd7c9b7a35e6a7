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

    public RuleSet(List<Rule> rules) {
        for (Rule r : rules) {
            if (byId.putIfAbsent(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate rule id " + r.id());
            }
        }
    }

    public static RuleSet of(Rule... rules) {
        return new RuleSet(List.of(rules));
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

    public int size() {
        return byId.size();
    }

    @Override
    public String toString() {
        return "RuleSet" + byId.keySet();
    }
}

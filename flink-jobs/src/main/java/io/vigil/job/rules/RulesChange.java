package io.vigil.job.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a new rules document changes against the rules in force: rule ids added, removed, and changed (same id,
 * different definition). Departments count as a change of no rule: they only affect alerts issued from now on.
 */
public record RulesChange(RuleSet before, RuleSet after, List<String> added, List<String> removed,
                          List<String> changed) {

    public static RulesChange between(RuleSet before, RuleSet after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Rule r : after.rules()) {
            Rule old = before.rule(r.id());
            if (old == null) {
                added.add(r.id());
            } else if (!Objects.equals(old, r)) {
                changed.add(r.id());
            }
        }
        for (Rule r : before.rules()) {
            if (after.rule(r.id()) == null) {
                removed.add(r.id());
            }
        }
        return new RulesChange(before, after, List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
    }

    public boolean isRemoved(String ruleId) {
        return removed.contains(ruleId);
    }

    public boolean isChanged(String ruleId) {
        return changed.contains(ruleId);
    }

    /** For the audit trail: {@code added [a]; removed [b]; changed [c]; 3 rules in force}. */
    public String summary() {
        return "added " + added + "; removed " + removed + "; changed " + changed + "; " + after.size()
                + " rules in force";
    }
}

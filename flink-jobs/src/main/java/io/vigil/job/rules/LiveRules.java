package io.vigil.job.rules;

import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.common.incident.RulesUpdate;
import java.io.Serializable;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The rules in force in one operator: the document last pushed on {@code vigil.control} (kept in Flink broadcast
 * state, so it survives checkpoints and restarts) or, until one is pushed, the rules the job was started with.
 * Every operator that needs rules holds one of these and receives every update, so all of them switch on the
 * same sequence of documents; each parses a document itself (the same text gives the same rules everywhere).
 */
public final class LiveRules implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The broadcast state every rules-aware operator registers; one entry, {@link #CURRENT}. */
    public static final MapStateDescriptor<String, RulesUpdate> STATE = new MapStateDescriptor<>("rules-in-force",
            Types.STRING, TypeInformation.of(RulesUpdate.class));
    private static final String CURRENT = "current";

    private final RuleSet initial;
    private transient RulesUpdate parsedUpdate;
    private transient RuleSet parsed;

    public LiveRules(RuleSet initial) {
        this.initial = initial;
    }

    /** The rules in force: the last valid document pushed, else the initial rules. */
    public RuleSet current(ReadOnlyBroadcastState<String, RulesUpdate> state) throws Exception {
        return rulesOf(state.get(CURRENT));
    }

    /**
     * Puts a pushed document in force if it is valid.
     *
     * @return what changed
     * @throws InvalidConfigFileException if the document is not valid; the rules in force stay as they were
     */
    public RulesChange apply(BroadcastState<String, RulesUpdate> state, RulesUpdate update) throws Exception {
        RuleSet before = rulesOf(state.get(CURRENT));
        RuleSet after = parse(update);
        state.put(CURRENT, update);
        parsedUpdate = update;
        parsed = after;
        return RulesChange.between(before, after);
    }

    private RuleSet rulesOf(RulesUpdate update) {
        if (update == null) {
            return initial;
        }
        // identity first: the heap broadcast state hands back the object that was put
        if (update != parsedUpdate && !update.equals(parsedUpdate)) {
            parsed = parse(update);
            parsedUpdate = update;
        }
        return parsed;
    }

    /** Validates a pushed document the way {@code bin/vigil rules check} does. */
    public static RuleSet parse(RulesUpdate update) {
        if (update.yaml() == null) {
            throw new InvalidConfigFileException(sourceOf(update), 0, "(document)", "no rules document in the message");
        }
        return RulesLoader.parse(update.yaml(), sourceOf(update));
    }

    private static String sourceOf(RulesUpdate update) {
        return "rules pushed from " + update.source();
    }
}

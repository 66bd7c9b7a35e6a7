package io.vigil.job;

import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.GroupAnomaly;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends each acknowledgement to the operator that holds its incident: a {@code group_anomaly} rule's incidents live
 * in the group lifecycle ({@link #GROUP}), every other readings rule's in the series evaluator (main output). Told by
 * the rule (the incident id's first part) in the rules in force, not by the id's shape: a group's subject
 * ({@code site:zone}) is a legal device id, and no character that a device id may not hold is safe in the MQTT topic
 * and URL an officer acknowledges on.
 */
final class AckSplit extends BroadcastProcessFunction<Acknowledgement, RulesUpdate, Acknowledgement> {
    private static final long serialVersionUID = 1L;
    static final OutputTag<Acknowledgement> GROUP = new OutputTag<>("group-acks",
            TypeInformation.of(Acknowledgement.class));

    private final LiveRules rules;

    AckSplit(RuleSet rules) {
        this.rules = new LiveRules(rules);
    }

    @Override
    public void processElement(Acknowledgement ack, ReadOnlyContext ctx, Collector<Acknowledgement> out)
            throws Exception {
        String id = ack.incidentId();
        Rule rule = rules.current(ctx.getBroadcastState(LiveRules.STATE)).rule(id.substring(0, id.indexOf(':')));
        if (rule != null && rule.has(GroupAnomaly.KIND)) {
            ctx.output(GROUP, ack);
        } else {
            out.collect(ack);
        }
    }

    @Override
    public void processBroadcastElement(RulesUpdate update, Context ctx, Collector<Acknowledgement> out)
            throws Exception {
        try {
            rules.apply(ctx.getBroadcastState(LiveRules.STATE), update);
        } catch (InvalidConfigFileException e) {
            // the rules in force stay; the series evaluator audits the rejection
        }
    }
}

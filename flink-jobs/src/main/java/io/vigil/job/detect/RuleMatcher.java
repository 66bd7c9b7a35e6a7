package io.vigil.job.detect;

import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.Condition;
import io.vigil.job.rules.InvalidRulesException;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesChange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each reading to every detector of every rule in force that watches its series. Readings whose value is
 * not a finite number cannot be compared with a level and are not evaluated (the series sink still stores what it
 * can).
 *
 * <p>The second input is the rules documents pushed on {@code vigil.control}. Each one is validated here as in
 * {@code bin/vigil rules check}: a valid one is put in force (RULES_CHANGED, naming the rules added, removed and
 * changed), an invalid one leaves the rules as they were (RULES_REJECTED with the loader's message). Every
 * parallel instance applies every document; only the first one writes the audit event, so each update is audited
 * once.
 */
public final class RuleMatcher extends BroadcastProcessFunction<Reading, RulesUpdate, RuleReading> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleMatcher.class);
    private final LiveRules rules;
    private transient Counter notANumber;
    private transient boolean audits;

    public RuleMatcher(RuleSet rules) {
        this.rules = new LiveRules(rules);
    }

    @Override
    public void open(OpenContext openContext) {
        notANumber = getRuntimeContext().getMetricGroup().counter("readingsNotANumber");
        audits = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    @Override
    public void processElement(Reading reading, ReadOnlyContext ctx, Collector<RuleReading> out) throws Exception {
        if (!Double.isFinite(reading.value())) {
            notANumber.inc();
            return;
        }
        for (Rule rule : rules.current(ctx.getBroadcastState(LiveRules.STATE)).matching(reading)) {
            for (Condition c : rule.conditions()) {
                out.collect(new RuleReading(rule.id(), c.kind(), reading));
            }
        }
    }

    @Override
    public void processBroadcastElement(RulesUpdate update, Context ctx, Collector<RuleReading> out) throws Exception {
        AuditEvent audit;
        try {
            RulesChange change = rules.apply(ctx.getBroadcastState(LiveRules.STATE), update);
            audit = new AuditEvent("RULES_CHANGED", update.source(), update.by(), update.at(), Topics.CONTROL,
                    change.summary());
        } catch (InvalidRulesException e) {
            audit = new AuditEvent("RULES_REJECTED", update.source(), update.by(), update.at(), Topics.CONTROL,
                    e.getMessage());
        }
        if (audits) {
            LOG.info("{} by {} from {}: {}", audit.kind(), audit.by(), update.source(), audit.detail());
            ctx.output(IncidentLifecycle.AUDIT, audit);
        }
    }
}

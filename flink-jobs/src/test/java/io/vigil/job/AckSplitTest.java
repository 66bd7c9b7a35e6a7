package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.RulesLoader;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Acknowledgements reach the group lifecycle or the series evaluator by their incident's rule, as pushed. */
class AckSplitTest {
    static final String SERIES_RULES = """
            rules:
              - id: level
                metric: water_level
                threshold: {above: 4.0}
            """;
    static final String GROUP_RULE = """
              - id: plant-unusual
                metric: temperature
                group_anomaly: {at_least: 3}
            """;

    @Test
    void aGroupRulesIncidentGoesToTheGroupLifecycleEvenWhenItsRuleWasPushedLater() throws Exception {
        BroadcastOperatorTestHarness<Acknowledgement, RulesUpdate, Acknowledgement> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new AckSplit(RulesLoader.parse(SERIES_RULES, "test")), LiveRules.STATE);
        Acknowledgement group = new Acknowledgement("plant-unusual:plant:boiler-room:temperature:1000", "duty-1", 2000,
                null, "test");
        Acknowledgement series = new Acknowledgement("level:plant:gauge-7:water_level:0", "duty-1", 2000, null,
                "test");
        h.processElement(group, 2000);
        assertThat(h.extractOutputValues()).as("no group rule in force yet").containsExactly(group);

        h.processBroadcastElement(new RulesUpdate(SERIES_RULES + GROUP_RULE, "officer-li", 3000, "test"), 3000);
        h.processElement(group, 4000);
        h.processElement(series, 4000);
        assertThat(h.getSideOutput(AckSplit.GROUP)).extracting(StreamRecord::getValue).containsExactly(group);
        assertThat(h.extractOutputValues()).as("a device's incident, even with colons in its id, stays")
                .containsExactly(group, series);
    }
}

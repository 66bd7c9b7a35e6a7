package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.SiteWarning;
import io.vigil.job.series.SeriesHarness;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Signals about a group (members): a change of members re-publishes the phase; the report lists them all. */
class GroupSignalTest {
    static final Rule MUSTER = new Rule("muster", "people", Glob.ANY, Glob.ANY,
            List.of(new SiteWarning("muster", Duration.ofSeconds(5))), "critical", "{value} missing",
            "Missing: {members}", null, null);

    private final KeyedBroadcastOperatorTestHarness<String, IncidentInput, RulesUpdate, Alert> h =
            ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new IncidentLifecycle(RuleSet.of(MUSTER)),
                    IncidentInput::incidentKey, Types.STRING, LiveRules.STATE);

    GroupSignalTest() throws Exception {
        h.processBroadcastWatermark(Long.MAX_VALUE); // as in the job: the rules input never holds event time back
    }

    private void signal(Level level, long t, String... members) throws Exception {
        h.processElement(IncidentInput.of(new Signal("muster", "muster", "site", "site", "plaza", "people", "people", level,
                level == Level.NORMAL, members.length, 0, null, t, false, 0, List.of(members))), t);
    }

    @Test
    void aChangedListIsRepublishedAndTheReportListsEveryoneItConcerned() throws Exception {
        signal(Level.ALARM, 1000, "p-a", "p-b");
        signal(Level.ALARM, 2000, "p-a", "p-b"); // same list: nothing to say
        signal(Level.ALARM, 3000, "p-b", "p-c");
        signal(Level.NORMAL, 4000);
        signal(Level.NORMAL, 9000); // cleared for the rule's 5 s
        h.processWatermark(9000);

        List<Alert> alerts = h.extractOutputValues();
        assertThat(alerts).extracting(Alert::phase, Alert::value, Alert::description, Alert::eventTime)
                .containsExactly(
                        tuple(Phase.ALARM, 2.0, "Missing: p-a, p-b", 1000L),
                        tuple(Phase.ALARM, 2.0, "Missing: p-b, p-c", 3000L),
                        tuple(Phase.RECOVERING, 0.0, "Missing:", 4000L),
                        tuple(Phase.CLOSED, 0.0, "Missing:", 9000L));
        assertThat(alerts).extracting(Alert::incidentId).containsOnly("muster:site:people:1000");
        assertThat(alerts.get(3).report().devices()).containsExactly("p-a", "p-b", "p-c");
        assertThat(SeriesHarness.keyedStateEntries(h)).as("nothing kept after CLOSED").isZero();
    }
}

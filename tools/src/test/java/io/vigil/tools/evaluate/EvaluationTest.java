package io.vigil.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.sim.GroundTruthRun;
import io.vigil.sim.GroundTruthRun.Event;
import io.vigil.sim.GroundTruthScenario.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scorer on hand-made alerts and truth, and on a perfect detector's alerts for a scenario's own truth. */
class EvaluationTest {
    private static final long MIN = 60_000;
    private static final long HOUR = 60 * MIN;
    private static final Evaluation EVALUATION = new Evaluation(
            Map.of("level", Kind.CROSSING, "offline", Kind.SILENT, "stuck", Kind.FROZEN), HOUR);

    @Test
    void countsPreWarnedCrossingsLeadTimesMissesAndFalseAlerts() {
        List<Event> truth = List.of(
                new Event("a", "water_level", Kind.CROSSING, 10 * HOUR, 12 * HOUR),  // pre-warned 20 min ahead
                new Event("b", "water_level", Kind.CROSSING, 10 * HOUR, 12 * HOUR),  // warned only after crossing
                new Event("c", "water_level", Kind.CROSSING, 10 * HOUR, 12 * HOUR),  // nothing at all
                new Event("e", "water_level", Kind.SILENT, 5 * HOUR, 8 * HOUR));     // found by the offline rule
        List<Alert> alerts = List.of(
                alert("level", "a", 1, Phase.PRE_WARNING, 10 * HOUR - 20 * MIN),
                alert("level", "a", 1, Phase.ALARM, 10 * HOUR + 5 * MIN),
                alert("level", "a", 1, Phase.CLOSED, 13 * HOUR),
                alert("level", "b", 1, Phase.PRE_WARNING, 10 * HOUR + MIN),
                alert("level", "b", 1, Phase.ALARM, 10 * HOUR + 4 * MIN),
                alert("offline", "e", 1, Phase.ALARM, 5 * HOUR + 5 * MIN),
                // device d has no truth: a withdrawn pre-warning, then an incident that alarms
                alert("level", "d", 1, Phase.PRE_WARNING, 3 * HOUR),
                alert("level", "d", 1, Phase.CLOSED, 3 * HOUR + MIN),
                alert("level", "d", 2, Phase.ALARM, 4 * HOUR),
                // on c, but more than the tolerance before its crossing: about something else
                alert("level", "c", 1, Phase.PRE_WARNING, 10 * HOUR - HOUR - MIN),
                // a rule the evaluation does not know is not scored
                alert("other", "c", 1, Phase.ALARM, 10 * HOUR + MIN));

        Score s = EVALUATION.score("mixed", truth, alerts, 5);

        assertThat(s.trueEvents()).isEqualTo(4);
        assertThat(s.crossings()).isEqualTo(3);
        assertThat(s.preWarned()).isEqualTo(1);
        assertThat(s.preWarnedShare()).isEqualTo(1.0 / 3);
        assertThat(s.leadToCrossingMs()).containsExactly(20 * MIN);
        assertThat(s.leadToAlarmMs()).containsExactly(25 * MIN);
        assertThat(s.missedAlarms()).as("only c").isEqualTo(1);
        assertThat(s.falsePreWarnings()).as("d's withdrawn one and c's early one").isEqualTo(2);
        assertThat(s.falseAlarms()).as("d's second incident").isEqualTo(1);
        assertThat(s.falsePreWarningsPerDeviceDay()).isEqualTo(0.4);
        assertThat(s.falseAlarmsPerDeviceDay()).isEqualTo(0.2);
    }

    @Test
    void anAlarmOfTheWrongKindDoesNotCountForAnEvent() {
        List<Event> truth = List.of(new Event("f", "water_level", Kind.FROZEN, 5 * HOUR, 8 * HOUR));
        Score s = EVALUATION.score("frozen", truth,
                List.of(alert("offline", "f", 1, Phase.ALARM, 5 * HOUR + 30 * MIN)), 1);
        assertThat(s.missedAlarms()).isEqualTo(1);
        assertThat(s.falseAlarms()).isEqualTo(1);
        assertThat(s.crossings()).isZero();
        assertThat(s.preWarnedShare()).isNaN();
    }

    @Test
    void aPerfectDetectorScoresFullMarksOnTheFloodScenarioTruth() {
        GroundTruthRun run = new GroundTruthRun("flood", 42, 0, Evaluator.START);
        List<Event> truth = run.truth();
        List<Alert> alerts = new ArrayList<>();
        for (Event t : truth) {
            alerts.add(alert("level", t.device(), t.from(), Phase.PRE_WARNING, t.from() - 10 * MIN));
            alerts.add(alert("level", t.device(), t.from(), Phase.ALARM, t.from() + 2 * MIN));
            alerts.add(alert("level", t.device(), t.from(), Phase.CLOSED, t.until() + 5 * MIN));
        }
        Score s = EVALUATION.score("flood", truth, alerts, run.deviceDays());
        assertThat(s.crossings()).isEqualTo(2).isEqualTo(s.trueEvents());
        assertThat(s.preWarnedShare()).isEqualTo(1.0);
        assertThat(s.leadToCrossing(0.5)).isEqualTo(10 * MIN);
        assertThat(s.leadToAlarm(0.1)).isEqualTo(12 * MIN);
        assertThat(s.missedAlarms()).isZero();
        assertThat(s.falsePreWarnings() + s.falseAlarms()).isZero();
        assertThat(s.deviceDays()).isEqualTo(4.0);
    }

    @Test
    void percentilesAreNearestRankAndOverallPoolsScenarios() {
        assertThat(Score.percentile(List.of(5L, 1L, 3L, 2L, 4L), 0.5)).isEqualTo(3L);
        assertThat(Score.percentile(List.of(5L, 1L, 3L, 2L, 4L), 0.1)).isEqualTo(1L);
        assertThat(Score.percentile(List.of(), 0.5)).isNull();
        Score a = new Score("a", 2, 1, 1, 1, List.of(10L), List.of(20L), 1, 0, 0);
        Score b = new Score("b", 3, 2, 2, 1, List.of(30L), List.of(), 0, 2, 1);
        Score all = Score.overall(List.of(a, b));
        assertThat(all.deviceDays()).isEqualTo(5);
        assertThat(all.crossings()).isEqualTo(3);
        assertThat(all.preWarned()).isEqualTo(2);
        assertThat(all.leadToCrossingMs()).containsExactly(10L, 30L);
        assertThat(all.falseAlarmsPerDeviceDay()).isEqualTo(0.4);
        assertThat(all.missedAlarms()).isEqualTo(1);
    }

    private static Alert alert(String rule, String device, long start, Phase phase, long at) {
        return new Alert(rule + ":" + device + ":water_level:" + start, rule, device, "city", "zone-0", "water_level",
                phase, "critical", 4.1, 4.0, at, start, "", "", null, null, null, 0, null);
    }
}

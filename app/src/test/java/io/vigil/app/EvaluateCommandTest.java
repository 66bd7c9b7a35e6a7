package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.rules.RulesLoader;
import io.vigil.sim.GroundTruthRun;
import io.vigil.sim.GroundTruthRun.Event;
import io.vigil.sim.GroundTruthScenario.Kind;
import io.vigil.tools.evaluate.Evaluator;
import io.vigil.tools.evaluate.Score;
import io.vigil.tools.evaluate.ScoreTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One real evaluation run (flood, quiet, silent device, frozen sensor; seed 42, one day) through the Flink job. */
class EvaluateCommandTest {
    private static final long SEED = 42;
    private static final List<String> SCENARIOS = List.of("flood", "quiet", "silent-device", "frozen-sensor");
    private static Evaluator.Result result;

    @BeforeAll
    static void evaluate() throws Exception {
        result = Evaluator.run(new Evaluator.Config(SCENARIOS, SEED, 1,
                RulesLoader.load(Path.of("..", "config", "evaluation-rules.yaml")), Duration.ofHours(1), 1));
    }

    @Test
    void everyFloodCrossingIsPreWarnedBeforeItsAlarm() {
        List<Event> truth = new GroundTruthRun("flood", SEED, 0, Evaluator.START).truth();
        assertThat(truth).hasSize(2);
        for (Event t : truth) {
            List<Alert> ofDevice = alertsOf(t.device(), "water-level-high");
            Alert warning = ofDevice.stream().filter(a -> a.phase() == Phase.PRE_WARNING).findFirst().orElseThrow();
            Alert alarm = ofDevice.stream().filter(a -> a.phase() == Phase.ALARM).findFirst().orElseThrow();
            assertThat(warning.incidentId()).isEqualTo(alarm.incidentId());
            assertThat(warning.eventTime()).isLessThan(t.from()).isLessThan(alarm.eventTime());
            assertThat(alarm.eventTime()).isBetween(t.from(), t.until());
        }
        Score flood = score("flood");
        assertThat(flood.crossings()).isEqualTo(2);
        assertThat(flood.preWarnedShare()).isEqualTo(1.0);
        assertThat(flood.missedAlarms()).isZero();
        assertThat(flood.leadToCrossing(0.1)).isPositive();
    }

    @Test
    void theQuietScenarioRaisesNothing() {
        assertThat(result.alerts()).noneMatch(a -> a.subject().startsWith("quiet-"));
        Score quiet = score("quiet");
        assertThat(quiet.deviceDays()).isEqualTo(4.0);
        assertThat(quiet.falsePreWarnings() + quiet.falseAlarms() + quiet.trueEvents()).isZero();
    }

    @Test
    void theSilentDeviceAndTheFrozenSensorAreAlarmedWhileTheirTruthHolds() {
        for (String scenario : List.of("silent-device", "frozen-sensor")) {
            Event event = new GroundTruthRun(scenario, SEED, 0, Evaluator.START).truth().stream()
                    .filter(e -> e.kind() != Kind.CROSSING).findFirst().orElseThrow();
            String rule = event.kind() == Kind.SILENT ? "water-gauge-offline" : "water-gauge-stuck";
            assertThat(alertsOf(event.device(), rule)).filteredOn(a -> a.phase() == Phase.ALARM)
                    .singleElement().satisfies(a -> assertThat(a.eventTime()).isBetween(event.from(), event.until()));
            assertThat(score(scenario).missedAlarms()).isZero();
            assertThat(score(scenario).falseAlarms()).isZero();
        }
    }

    @Test
    void theTableHasOneRowPerScenarioAndOneOverall() {
        String table = ScoreTable.format(result.scenarios(), result.overall());
        assertThat(table.lines()).hasSize(1 + SCENARIOS.size() + 1);
        assertThat(table.lines().filter(l -> l.startsWith("flood "))).singleElement().asString().contains("2 (100%)");
        assertThat(table.lines().reduce((a, b) -> b).orElseThrow()).startsWith("overall").contains("0/4");
    }

    @Test
    void anUnknownScenarioIsRefusedBeforeAnythingRuns() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil()).setErr(new PrintWriter(err));
        assertThat(cli.execute("evaluate", "--scenarios", "flood,volcano")).isEqualTo(2);
        assertThat(err.toString()).contains("volcano").contains("quiet");
    }

    private static List<Alert> alertsOf(String device, String rule) {
        return result.alerts().stream().filter(a -> a.subject().equals(device) && a.ruleId().equals(rule)).toList();
    }

    private static Score score(String scenario) {
        return result.scenarios().stream().filter(s -> s.scenario().equals(scenario)).findFirst().orElseThrow();
    }
}

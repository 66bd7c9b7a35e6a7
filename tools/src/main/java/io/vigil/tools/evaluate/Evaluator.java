package io.vigil.tools.evaluate;

import io.vigil.common.Alert;
import io.vigil.job.rules.Flatline;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.sim.GroundTruthRun;
import io.vigil.sim.GroundTruthRun.Event;
import io.vigil.sim.GroundTruthScenario.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the chosen scenarios for {@code days} days each through one job and scores each scenario's alerts. */
public final class Evaluator {
    /** Event time of the first reading of every run: a fixed instant, so runs replay identically. */
    public static final long START = 1_767_225_600_000L; // 2026-01-01T00:00Z

    /**
     * @param seed        day d of every scenario uses seed + d
     * @param tolerance   how early before a true event an incident may start and still be about it
     */
    public record Config(List<String> scenarios, long seed, int days, RuleSet rules, Duration tolerance,
                         int parallelism) {
        public Config {
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("no scenarios given");
            }
            if (days < 1) {
                throw new IllegalArgumentException("days must be at least 1, got " + days);
            }
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
            }
            scenarios = List.copyOf(scenarios);
        }
    }

    /** What one evaluation found: one score per scenario, in the order given, and all alerts. */
    public record Result(List<Score> scenarios, Score overall, List<Alert> alerts, long readings) {}

    private Evaluator() {}

    public static Result run(Config config) throws Exception {
        List<GroundTruthRun> runs = new ArrayList<>();
        for (String scenario : config.scenarios()) {
            for (int day = 0; day < config.days(); day++) {
                runs.add(new GroundTruthRun(scenario, config.seed(), day, START));
            }
        }
        long readings = EvaluationJob.merged(runs).size();
        List<Alert> alerts = EvaluationJob.alerts(runs, config.rules(), config.parallelism());
        Evaluation evaluation = new Evaluation(ruleKinds(config.rules()), config.tolerance().toMillis());
        List<Score> scores = new ArrayList<>();
        for (String scenario : config.scenarios()) {
            List<Event> truth = new ArrayList<>();
            double deviceDays = 0;
            for (GroundTruthRun run : runs) {
                if (run.scenarioName().equals(scenario)) {
                    truth.addAll(run.truth());
                    deviceDays += run.deviceDays();
                }
            }
            String prefix = scenario + "-d";
            List<Alert> ofScenario = alerts.stream().filter(a -> a.subject() != null && a.subject().startsWith(prefix)
                    && a.subject().substring(prefix.length()).matches("\\d+-\\d+")).toList();
            scores.add(evaluation.score(scenario, truth, ofScenario, deviceDays));
        }
        return new Result(scores, Score.overall(scores), alerts, readings);
    }

    /** no_data rules answer silent devices, flatline rules frozen sensors, every other rule limit crossings. */
    static Map<String, Kind> ruleKinds(RuleSet rules) {
        Map<String, Kind> kinds = new HashMap<>();
        for (Rule r : rules.rules()) {
            kinds.put(r.id(), r.has(NoData.KIND) ? Kind.SILENT : r.has(Flatline.KIND) ? Kind.FROZEN : Kind.CROSSING);
        }
        return kinds;
    }
}

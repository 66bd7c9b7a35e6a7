package io.vigil.job.backtest;

import io.vigil.common.Alert;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.List;

/**
 * What a backtest found.
 *
 * @param alerts          every incident transition up to the last reading's event time, in emission order
 * @param afterEnd        transitions the end of input caused after the last reading (not kept, see {@link Backtest})
 * @param readings        readings replayed (rows that were not rejected)
 * @param scored          readings scored; the others were late (older than an earlier reading of their series), as live
 * @param scores          anomaly score per input and row; NaN where a row got none (rejected, late, not scored)
 */
public record BacktestResult(List<SeriesFile> inputs, RuleSet rules, List<Alert> alerts, List<Alert> afterEnd,
                             long readings, long scored, Duration elapsed, double[][] scores) {

    public long rejectedRows() {
        return inputs.stream().mapToLong(f -> f.problems().size()).sum();
    }

    public List<String> ruleIds() {
        return rules.rules().stream().map(Rule::id).toList();
    }

    IncidentTimeline timeline() {
        return new IncidentTimeline(alerts);
    }

    public double readingsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? readings / seconds : 0;
    }
}

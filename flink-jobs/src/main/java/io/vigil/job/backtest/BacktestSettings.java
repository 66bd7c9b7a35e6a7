package io.vigil.job.backtest;

import io.vigil.job.rules.RuleSet;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;

/**
 * How to replay.
 *
 * @param rules             the rules to run (their escalation is switched off, see {@link Backtest})
 * @param maxOutOfOrderness the live job's ({@code JobConfig.maxOutOfOrderness}), so no-data deadlines fall as live
 * @param parallelism       Flink parallelism of the series evaluator
 * @param progress          where the progress line goes; null for none
 */
public record BacktestSettings(RuleSet rules, Duration maxOutOfOrderness, int parallelism, PrintWriter progress) {
    public BacktestSettings {
        Objects.requireNonNull(rules, "rules");
        if (maxOutOfOrderness == null || maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("backtest: maxOutOfOrderness must be zero or more, not " + maxOutOfOrderness);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("backtest: parallelism must be at least 1, not " + parallelism);
        }
    }
}

package io.vigil.app.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Steps the offered rate up a list of rates and stops at the first step that loses anything, or once the publisher
 * is saturated: it fell short of its target and achieved no more than {@link #SATURATED} times the best rate so far
 * (higher steps would only measure the publisher again). The result is the highest loss-free rate actually achieved.
 */
public final class RateLadder {
    static final double SATURATED = 1.1;

    /** Runs one step at a target rate (readings/s) and reports what was published and what arrived. */
    @FunctionalInterface
    public interface Step {
        RateStep run(double targetRate) throws Exception;
    }

    private RateLadder() {}

    public static List<RateStep> climb(List<Double> rates, Step step, PrintStream out) throws Exception {
        out.println(RateStep.header());
        List<RateStep> done = new ArrayList<>();
        double bestAchieved = 0;
        for (double rate : rates) {
            RateStep s = step.run(rate);
            done.add(s);
            out.println(s.row());
            double achieved = s.published().achievedRate();
            if (!s.lossFree() || (s.publisherBound() && achieved <= SATURATED * bestAchieved)) {
                break;
            }
            bestAchieved = Math.max(bestAchieved, achieved);
        }
        return done;
    }

    /** The loss-free step with the highest achieved rate. */
    public static Optional<RateStep> best(List<RateStep> steps) {
        return steps.stream().filter(RateStep::lossFree)
                .max((a, b) -> Double.compare(a.published().achievedRate(), b.published().achievedRate()));
    }

    public static String summary(String what, List<RateStep> steps) {
        Optional<RateStep> best = best(steps);
        if (best.isEmpty()) {
            return what + ": no loss-free step";
        }
        RateStep b = best.get();
        RateStep last = steps.get(steps.size() - 1);
        String limit = last.lossFree() && last.publisherBound() ? " (the publisher, not the system under test, set this limit)"
                : last.lossFree() ? " (every step was loss-free: the limit is above the highest step)" : "";
        return String.format(Locale.ROOT, "%s: highest loss-free rate %.0f readings/s (step %.0f/s, %d readings)%s",
                what, b.published().achievedRate(), b.targetRate(), b.published().acknowledged(), limit);
    }
}

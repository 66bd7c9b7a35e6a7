package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.rules.Condition;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.Flatline;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.PredictedCrossing;
import io.vigil.job.rules.Range;
import io.vigil.job.rules.RateOfChange;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each detector alone, as plain Java: the signals it gives and the memory it keeps in its rule's state. Timers
 * (no-data deadlines, forgetting a silent series) belong to the series evaluator and are tested through it.
 */
class DetectorsTest {
    static final long MIN = 60_000;

    @Test
    void forecastKeepsABusySeriesWindowThinnedToAFewDozenPointsAndTheSameTrend() {
        Feed f = new Feed(new ForecastDetector(), new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30),
                Duration.ofSeconds(20), 5));
        // 100 readings a second for a minute, rising 0.01 per second from 3.0: 4.0 is 100 s after the start
        for (int i = 0; i < 6_000; i++) {
            long t = i * 10L;
            f.reading(t, 3.0 + 0.01 * t / 1000.0);
        }

        Signal last = f.out.get(f.out.size() - 1);
        assertThat(last.level()).isEqualTo(Level.WARN);
        assertThat(last.eta()).isBetween(100_000L - 10, 100_000L + 10);
        Points window = f.state.forecast;
        boolean newestIn = false;
        for (int i = 0; i < window.size(); i++) {
            assertThat(window.time(i)).isGreaterThan(59_990L - 20_000L);
            newestIn |= window.time(i) == 59_990L;
        }
        assertThat(window.size()).as("2,000 readings in the 20 s window, thinned to at least 333 ms apart")
                .isBetween(ForecastDetector.MAX_POINTS - 1, ForecastDetector.MAX_POINTS + 1);
        assertThat(newestIn).as("the newest reading is always in").isTrue();
    }

    @Test
    void aSparseSeriesKeepsEveryReadingInTheForecastWindow() {
        Feed f = new Feed(new ForecastDetector(), new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30),
                Duration.ofMinutes(10), 5));
        f.feed(15_000, new double[40]); // one reading every 15 s for 10 min

        assertThat(f.state.forecast.size())
                .as("readings 15 s apart are further apart than 10 min / 60 = 10 s: all are kept").isEqualTo(40);
    }

    @Test
    void rateFiresOnARiseWithinTheWindowOnly() {
        Feed f = new Feed(new RateDetector(), new RateOfChange(Direction.ABOVE, 0.3, Duration.ofMinutes(10), false));
        // +0.1 per 5 min: 0.2 within 10 min; then +0.4 in 5 min
        f.feed(5 * MIN, 1.0, 1.1, 1.2, 1.6, 1.6);

        assertThat(f.out).extracting(Signal::level)
                .containsExactly(Level.NORMAL, Level.NORMAL, Level.NORMAL, Level.WARN, Level.WARN);
        assertThat(f.out.get(3).cleared()).as("a warning-only rate holds no ALARM open").isTrue();
        assertThat(f.state.rate.size()).as("the window holds the last 10 min").isEqualTo(3);
    }

    @Test
    void rateForgetsItsWindowAfterASilenceLongerThanIt() {
        Feed f = new Feed(new RateDetector(), new RateOfChange(Direction.ABOVE, 0.3, Duration.ofMinutes(10), false));
        f.reading(0, 1.0);
        f.reading(11 * MIN, 2.0);
        assertThat(f.out).extracting(Signal::level).containsExactly(Level.NORMAL, Level.NORMAL);
        assertThat(f.state.rate.size()).isEqualTo(1);
    }

    @Test
    void forecastWarnsWithAnEtaWhenTheTrendReachesTheLimitWithinTheHorizonAndWithdrawsIt() {
        Feed f = new Feed(new ForecastDetector(), new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30),
                Duration.ofMinutes(10), 5));
        // +0.05 per minute from 3.0: 4.0 is reached 20 min after the start, with one outlier that must not matter
        f.feed(MIN, 3.00, 3.05, 3.10, 9.99, 3.20, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25);

        assertThat(f.out).hasSize(11); // from the fifth reading on
        Signal first = f.out.get(0);
        assertThat(first.level()).isEqualTo(Level.WARN);
        assertThat(first.eta()).isEqualTo(20 * MIN);
        assertThat(first.limit()).isEqualTo(4.0);
        // the river stops rising: once the flat part dominates the window the prediction is withdrawn
        assertThat(f.out.get(f.out.size() - 1).level()).isEqualTo(Level.NORMAL);
        assertThat(f.out.get(f.out.size() - 1).eta()).isNull();
    }

    @Test
    void theTrendFitIgnoresOutliers() {
        TrendFit fit = TrendFit.of(new long[] {-4000, -3000, -2000, -1000, 0}, new double[] {1, 2, 100, 4, 5});
        assertThat(fit.slopePerMs()).isEqualTo(0.001);
        assertThat(fit.valueAt0()).isEqualTo(5.0);
        assertThat(fit.msUntil(10, true)).isEqualTo(5000);
        assertThat(fit.msUntil(1, false)).isEqualTo(-1);
        assertThat(fit.msUntil(3, true)).isZero();
    }

    @Test
    void noDataSaysNothingOnReadingsClearsAfterASilenceAndRaisesOneAlarmPerSilence() {
        Rule rule = rule(new NoData(Duration.ofSeconds(10), 3));
        RuleState state = new RuleState();
        NoDataDetector d = new NoDataDetector();
        Reading last = in("gauge-1", 0, 3.0);
        assertThat(d.onReading(rule, last, state, null)).isNull();
        assertThat(NoDataDetector.deadline(rule, state, 0)).isEqualTo(30_000L);

        Signal offline = NoDataDetector.silence(rule, state, last, false);
        assertThat(offline).extracting(Signal::level, Signal::eventTime, Signal::immediate)
                .containsExactly(Level.ALARM, 30_000L, false);
        assertThat(NoDataDetector.silence(rule, state, last, true)).as("once per silence").isNull();
        assertThat(NoDataDetector.deadline(rule, state, 0)).as("no deadline while offline").isEqualTo(RuleState.NONE);

        Signal back = d.onReading(rule, in("gauge-1", 40_000, 3.0), state, null);
        assertThat(back).extracting(Signal::level, Signal::cleared).containsExactly(Level.NORMAL, true);
    }

    @Test
    void flatlineFiresWhenTheValueStaysWithinEpsilonForTheDuration() {
        Feed f = new Feed(new FlatlineDetector(), new Flatline(0.01, Duration.ofMinutes(3)));
        f.feed(MIN, 2.0, 2.1, 2.105, 2.1, 2.1, 2.3);

        assertThat(f.out).extracting(Signal::level).containsExactly(
                Level.NORMAL, Level.NORMAL, Level.NORMAL, Level.NORMAL, Level.ALARM, Level.NORMAL);
    }

    @Test
    void flatlineStartsAFreshRunAfterASilenceOfTwiceItsDuration() {
        Feed f = new Feed(new FlatlineDetector(), new Flatline(0.01, Duration.ofMinutes(3)));
        f.reading(0, 2.0);
        f.reading(7 * MIN, 2.0); // the same value, but after a silence: not proof of a stuck sensor
        assertThat(f.out).extracting(Signal::level).containsExactly(Level.NORMAL, Level.NORMAL);
        assertThat(f.state.flatSince).isEqualTo(7 * MIN);
    }

    @Test
    void rangeFlagsPhysicallyImpossibleValues() {
        Feed f = new Feed(new RangeDetector(), new Range(0, 20));
        f.feed(1000, 3.0, -1.0, 25.0, 19.0);

        assertThat(f.out).extracting(Signal::level, Signal::limit).containsExactly(
                tuple(Level.NORMAL, 20.0), tuple(Level.ALARM, 0.0), tuple(Level.ALARM, 20.0), tuple(Level.NORMAL, 20.0));
        assertThat(f.state.empty()).as("range remembers nothing").isTrue();
    }

    @Test
    void aDetectorGivesNoOpinionOnARuleWithoutItsCondition() {
        Rule range = rule(new Range(0, 20));
        Reading r = in("gauge-1", 0, 3.0);
        for (Detector d : List.of(new ThresholdDetector(), new RateDetector(), new ForecastDetector(),
                new NoDataDetector(), new FlatlineDetector(), new AnomalyDetector())) {
            assertThat(d.onReading(range, r, new RuleState(), new SeriesAnomaly.Assessment(0.99, true))).as(d.kind()).isNull();
        }
    }

    @Test
    void anAnomalyRuleOpensOnAnOnsetOnlyAndHoldsWhileItsIncidentIsOpen() {
        Rule rule = rule(new io.vigil.job.rules.Anomaly(0.5, 0.3, Duration.ZERO, Duration.ofMinutes(1)));
        AnomalyDetector d = new AnomalyDetector();
        RuleState state = new RuleState();
        Reading r = in("gauge-1", 0, 9.0);
        assertThat(d.onReading(rule, r, state, new SeriesAnomaly.Assessment(0.9, false)).level())
                .as("anomalous, but the spell already paged: refractory").isEqualTo(Level.NORMAL);
        assertThat(d.onReading(rule, r, state, new SeriesAnomaly.Assessment(0.9, true)).level())
                .as("an onset opens").isEqualTo(Level.ALARM);
        state.incident = new IncidentState();
        state.incident.phase = io.vigil.common.Phase.ALARM;
        assertThat(d.onReading(rule, r, state, new SeriesAnomaly.Assessment(0.6, false)))
                .as("held while open").extracting(Signal::level, Signal::cleared).containsExactly(Level.ALARM, false);
        assertThat(d.onReading(rule, r, state, new SeriesAnomaly.Assessment(0.4, false)))
                .extracting(Signal::level, Signal::cleared).containsExactly(Level.WARN, true);
        assertThat(d.onReading(rule, r, state, null)).as("a series that is not scored").isNull();
    }

    /** One detector of one rule fed readings of one series in order, as the series evaluator does. */
    static final class Feed {
        final Detector detector;
        final Rule rule;
        final RuleState state = new RuleState();
        final List<Signal> out = new ArrayList<>();
        long last = RuleState.NONE;

        Feed(Detector detector, Condition condition) {
            this.detector = detector;
            this.rule = rule(condition);
        }

        void reading(long t, double value) {
            if (last != RuleState.NONE) {
                detector.forgetIfSilent(rule, state, t - last);
            }
            Signal s = detector.onReading(rule, in("gauge-1", t, value), state, null);
            if (s != null) {
                out.add(s);
            }
            last = t;
        }

        void feed(long step, double... values) {
            for (int i = 0; i < values.length; i++) {
                reading(i * step, values[i]);
            }
        }
    }

    static Rule rule(Condition c) {
        return new Rule("r", "water_level", Glob.ANY, Glob.ANY, c, "critical", "{rule}", "{value}");
    }

    static RuleSet rules(Condition c) {
        return RuleSet.of(rule(c));
    }

    static Reading in(String device, long t, double value) {
        return new Reading(device, "delta", "river-north", "water_level", value, "m", t, t, Protocol.MQTT);
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}

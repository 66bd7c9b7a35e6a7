package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
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
import java.util.List;
import io.vigil.common.incident.RulesUpdate;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Each detector alone: the signals it emits, the timers it keeps and the state it leaves. */
class DetectorsTest {
    static final long MIN = 60_000;

    @Test
    void forecastKeepsABusySeriesWindowThinnedToAFewDozenPointsAndTheSameTrend() throws Exception {
        RuleSet rules = rules(new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30), Duration.ofSeconds(20), 5));
        var h = harness(new ForecastDetector(rules));
        // 100 readings a second for a minute, rising 0.01 per second from 3.0: 4.0 is 100 s after the start
        for (int i = 0; i < 6_000; i++) {
            long t = i * 10L;
            h.processElement(in("gauge-1", t, 3.0 + 0.01 * t / 1000.0), t);
            h.processWatermark(t);
        }

        Signal last = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
        assertThat(last.level()).isEqualTo(Level.WARN);
        assertThat(last.eta()).isBetween(100_000L - 10, 100_000L + 10);
        var backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(in("gauge-1", 0, 0).key());
        MapState<Long, Double> window = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, new MapStateDescriptor<>("forecast-window", Types.LONG, Types.DOUBLE));
        int points = 0;
        for (Long at : window.keys()) {
            assertThat(at).isGreaterThan(59_990L - 20_000L);
            points++;
        }
        assertThat(points).as("2,000 readings in the 20 s window, thinned to at least 333 ms apart")
                .isBetween(ForecastDetector.MAX_POINTS - 1, ForecastDetector.MAX_POINTS + 1);
        assertThat(window.contains(59_990L)).as("the newest reading is always in").isTrue();
    }

    @Test
    void aSparseSeriesKeepsEveryReadingInTheForecastWindow() throws Exception {
        RuleSet rules = rules(new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30), Duration.ofMinutes(10), 5));
        var h = harness(new ForecastDetector(rules));
        feed(h, 15_000, new double[40]); // one reading every 15 s for 10 min

        var backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(in("gauge-1", 0, 0).key());
        MapState<Long, Double> window = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, new MapStateDescriptor<>("forecast-window", Types.LONG, Types.DOUBLE));
        int points = 0;
        for (Long ignored : window.keys()) {
            points++;
        }
        assertThat(points).as("readings 15 s apart are further apart than 10 min / 60 = 10 s: all are kept").isEqualTo(40);
    }

    @Test
    void rateFiresOnARiseWithinTheWindowOnly() throws Exception {
        RuleSet rules = rules(new RateOfChange(Direction.ABOVE, 0.3, Duration.ofMinutes(10), false));
        var h = harness(new RateDetector(rules));
        // +0.1 per 5 min: 0.2 within 10 min; then +0.4 in 5 min
        feed(h, 5 * MIN, 1.0, 1.1, 1.2, 1.6, 1.6);

        assertThat(h.extractOutputValues()).extracting(Signal::level)
                .containsExactly(Level.NORMAL, Level.NORMAL, Level.NORMAL, Level.WARN, Level.WARN);
        assertThat(h.extractOutputValues().get(3).cleared()).as("a warning-only rate holds no ALARM open").isTrue();
        // window state and one forget timer; a silent series is dropped after the window
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(4 * 5 * MIN + 10 * MIN);
        assertThat(Chain.keyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aSeriesThatSpeaksKeepsOneForgetTimerAndIsForgottenExactlyOneSilenceAfterItsLastReading() throws Exception {
        // forget after the 10 min window; one reading a minute for 30 min: the first forget timer (at 10 min) fires
        // while the series still speaks and moves on lazily instead of being moved by every reading
        RuleSet rules = rules(new RateOfChange(Direction.ABOVE, 5.0, Duration.ofMinutes(10), false));
        var h = harness(new RateDetector(rules));
        for (int i = 0; i <= 30; i++) {
            h.processElement(in("gauge-1", i * MIN, 1.0), i * MIN);
            h.processWatermark(i * MIN);
            assertThat(h.numEventTimeTimers()).as("one forget timer, nothing else, after reading %d", i).isEqualTo(1);
        }
        h.processWatermark(40 * MIN - 1);
        assertThat(Chain.keyedStateEntries(h)).as("silent for just under the window: kept").isPositive();
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(40 * MIN);
        assertThat(Chain.keyedStateEntries(h)).as("silent for the window: forgotten").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void forecastWarnsWithAnEtaWhenTheTrendReachesTheLimitWithinTheHorizonAndWithdrawsIt() throws Exception {
        RuleSet rules = rules(new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30), Duration.ofMinutes(10), 5));
        var h = harness(new ForecastDetector(rules));
        // +0.05 per minute from 3.0: 4.0 is reached 20 min after the start, with one outlier that must not matter
        feed(h, MIN, 3.00, 3.05, 3.10, 9.99, 3.20, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25);

        List<Signal> out = h.extractOutputValues();
        assertThat(out).hasSize(11); // from the fifth reading on
        Signal first = out.get(0);
        assertThat(first.level()).isEqualTo(Level.WARN);
        assertThat(first.eta()).isEqualTo(20 * MIN);
        assertThat(first.limit()).isEqualTo(4.0);
        // the river stops rising: once the flat part dominates the window the prediction is withdrawn
        assertThat(out.get(out.size() - 1).level()).isEqualTo(Level.NORMAL);
        assertThat(out.get(out.size() - 1).eta()).isNull();
        assertThat(h.numEventTimeTimers()).as("the forget timer").isEqualTo(1);
    }

    @Test
    void aBurstOfReadingsAheadOfTheWatermarkIsEvaluatedInFull() throws Exception {
        // a backlog: twelve readings, one a minute, all pending before the watermark moves. The forget timer
        // (last reading + the 5 min window) then falls on a pending reading's time and must not take its timer
        RuleSet rules = rules(new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofMinutes(30), Duration.ofMinutes(5), 3));
        var h = harness(new ForecastDetector(rules));
        for (int i = 0; i < 12; i++) {
            h.processElement(in("gauge-1", i * MIN, 3.0 + i * 0.01), i * MIN);
        }
        h.processWatermark(11 * MIN);

        assertThat(h.extractOutputValues()).extracting(Signal::eventTime)
                .containsExactly(2 * MIN, 3 * MIN, 4 * MIN, 5 * MIN, 6 * MIN, 7 * MIN, 8 * MIN, 9 * MIN, 10 * MIN, 11 * MIN);
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
    void noDataRaisesOfflineOnEventTimeAndClearsWithTheNextReading() throws Exception {
        RuleSet rules = rules(new NoData(Duration.ofSeconds(10), 3));
        var h = harness(new NoDataDetector(rules));
        h.processElement(in("gauge-1", 0, 3.0), 0);
        h.processWatermark(0);
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numEventTimeTimers()).as("offline deadline and forget timer").isEqualTo(2);
        assertThat(h.numProcessingTimeTimers()).as("processing-time fallback").isEqualTo(1);

        h.processWatermark(29_999);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(30_000);
        assertThat(h.extractOutputValues()).extracting(Signal::level, Signal::eventTime, Signal::immediate)
                .containsExactly(tuple(Level.ALARM, 30_000L, false));
        h.setProcessingTime(Long.MAX_VALUE / 2);
        assertThat(h.extractOutputValues()).as("the fallback does not repeat it").hasSize(1);

        h.processElement(in("gauge-1", 40_000, 3.0), 40_000);
        h.processWatermark(40_000);
        assertThat(h.extractOutputValues()).extracting(Signal::level, Signal::cleared)
                .containsExactly(tuple(Level.ALARM, false), tuple(Level.NORMAL, true));
    }

    @Test
    void noDataFallsBackToProcessingTimeWhenTheWholeSiteIsSilent() throws Exception {
        RuleSet rules = rules(new NoData(Duration.ofSeconds(10), 3));
        var h = harness(new NoDataDetector(rules));
        h.setProcessingTime(1_000);
        h.processElement(in("gauge-1", 0, 3.0), 0);
        h.processWatermark(0);
        h.setProcessingTime(30_999);
        assertThat(h.extractOutputValues()).isEmpty();
        h.setProcessingTime(31_000); // the watermark never moved: nobody reports any more
        assertThat(h.extractOutputValues()).extracting(Signal::level, Signal::eventTime, Signal::immediate)
                .containsExactly(tuple(Level.ALARM, 30_000L, true));
    }

    @Test
    void endOfInputIsNotSilence() throws Exception {
        var h = harness(new NoDataDetector(rules(new NoData(Duration.ofSeconds(10), 3))));
        h.processElement(in("gauge-1", 0, 3.0), 0);
        h.processWatermark(Long.MAX_VALUE);
        assertThat(h.extractOutputValues()).isEmpty();
    }

    @Test
    void flatlineFiresWhenTheValueStaysWithinEpsilonForTheDuration() throws Exception {
        var h = harness(new FlatlineDetector(rules(new Flatline(0.01, Duration.ofMinutes(3)))));
        feed(h, MIN, 2.0, 2.1, 2.105, 2.1, 2.1, 2.3);

        assertThat(h.extractOutputValues()).extracting(Signal::level).containsExactly(
                Level.NORMAL, Level.NORMAL, Level.NORMAL, Level.NORMAL, Level.ALARM, Level.NORMAL);
        h.processWatermark(5 * MIN + 6 * MIN);
        assertThat(Chain.keyedStateEntries(h)).as("forgotten after twice the duration").isZero();
    }

    @Test
    void rangeFlagsPhysicallyImpossibleValues() throws Exception {
        var h = harness(new RangeDetector(rules(new Range(0, 20))));
        feed(h, 1000, 3.0, -1.0, 25.0, 19.0);

        assertThat(h.extractOutputValues()).extracting(Signal::level, Signal::limit).containsExactly(
                tuple(Level.NORMAL, 20.0), tuple(Level.ALARM, 0.0), tuple(Level.ALARM, 20.0), tuple(Level.NORMAL, 20.0));
        assertThat(Chain.keyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    static RuleSet rules(Condition c) {
        return RuleSet.of(new Rule("r", "water_level", Glob.ANY, Glob.ANY, c, "critical", "{rule}", "{value}"));
    }

    static KeyedBroadcastOperatorTestHarness<String, RuleReading, RulesUpdate, Signal> harness(EventTimeDetector d)
            throws Exception {
        return Chain.detector(d);
    }

    static void feed(KeyedBroadcastOperatorTestHarness<String, RuleReading, RulesUpdate, Signal> h, long step,
                     double... values) throws Exception {
        for (int i = 0; i < values.length; i++) {
            h.processElement(in("gauge-1", i * step, values[i]), i * step);
            h.processWatermark(i * step);
        }
    }

    static RuleReading in(String device, long t, double value) {
        return new RuleReading("r", new Reading(device, "delta", "river-north", "water_level", value, "m", t, t,
                Protocol.MQTT));
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}

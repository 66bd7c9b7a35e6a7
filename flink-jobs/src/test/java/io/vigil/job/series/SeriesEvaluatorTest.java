package io.vigil.job.series;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.anomaly.AnomalySettings;

import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.rules.Anomaly;
import io.vigil.job.rules.Condition;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.RateOfChange;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.Threshold;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/** The one keyed operator of the readings pipeline: order, timers, state, scores and acknowledgements per series. */
class SeriesEvaluatorTest {
    static final long T0 = 1_704_067_200_000L;
    static final long MIN = 60_000L;
    static final Rule LEVEL = rule("level", new Threshold(Direction.ABOVE, 4.0, null, 3.8, Duration.ZERO,
            Duration.ZERO));
    static final Rule OFFLINE = rule("offline", new NoData(Duration.ofSeconds(10), 3));
    static final Rule RISE = rule("rise", new RateOfChange(Direction.ABOVE, 0.5, Duration.ofMinutes(10), true));

    @Test
    void oneStateEntryAndOneTimerPerSeriesWhateverTheNumberOfRules() throws Exception {
        SeriesHarness h = new SeriesHarness(new RuleSet(List.of(LEVEL, OFFLINE, RISE)));
        for (int i = 0; i < 10; i++) {
            h.processElement(reading("gauge-1", i * 1000L, 3.0), i * 1000L);
            h.processElement(reading("gauge-2", i * 1000L, 3.0), i * 1000L);
            h.processWatermark(i * 1000L);
        }
        assertThat(h.numKeyedStateEntries()).as("one entry per series").isEqualTo(2);
        assertThat(h.numEventTimeTimers()).as("one event-time timer per series").isEqualTo(2);
        assertThat(h.numProcessingTimeTimers()).as("one processing-time timer per series").isEqualTo(2);
    }

    @Test
    void noDataRaisesOfflineOnEventTimeAndClearsWithTheNextReadingAsOneIncident() throws Exception {
        SeriesHarness h = new SeriesHarness(RuleSet.of(OFFLINE));
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        h.processWatermark(29_999);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(30_000); // driven by the other devices
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime)
                .containsExactly(tuple(Phase.ALARM, 30_000L));
        h.setProcessingTime(Long.MAX_VALUE / 2);
        assertThat(h.extractOutputValues()).as("the wall-clock fallback does not repeat it").hasSize(1);

        h.processElement(reading("gauge-1", 40_000, 3.0), 40_000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::incidentId).containsExactly(
                tuple(Phase.ALARM, "offline:gauge-1:water_level:30000"),
                tuple(Phase.RECOVERING, "offline:gauge-1:water_level:30000"),
                tuple(Phase.CLOSED, "offline:gauge-1:water_level:30000"));
    }

    @Test
    void noDataFallsBackToProcessingTimeWhenTheWholeSiteIsSilent() throws Exception {
        SeriesHarness h = new SeriesHarness(RuleSet.of(OFFLINE));
        h.setProcessingTime(1_000);
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        h.processWatermark(0);
        h.setProcessingTime(30_999);
        assertThat(h.extractOutputValues()).isEmpty();
        h.setProcessingTime(31_000); // the watermark never moved: nobody reports any more
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime)
                .containsExactly(tuple(Phase.ALARM, 30_000L));
    }

    @Test
    void aGapInTheSeriesIsASilenceEvenWhenTheSeriesRunsAheadOfEventTime() throws Exception {
        // a backlog read faster on this device's partition: its readings after the gap arrive before the watermark
        // reaches the silence; judged on arrival, the gap alone must raise the same ALARM the timer would have
        SeriesHarness h = new SeriesHarness(RuleSet.of(OFFLINE));
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        h.processElement(reading("gauge-1", 60_000, 3.0), 60_000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime, Alert::incidentId)
                .containsExactly(tuple(Phase.ALARM, 30_000L, "offline:gauge-1:water_level:30000"),
                        tuple(Phase.RECOVERING, 60_000L, "offline:gauge-1:water_level:30000"),
                        tuple(Phase.CLOSED, 60_000L, "offline:gauge-1:water_level:30000"));
        h.processWatermark(60_000);
        assertThat(h.extractOutputValues()).as("the timer finds it already told").hasSize(3);
    }

    @Test
    void aReadingExactlyOneTimeoutAfterTheLastIsNoSilence() throws Exception {
        SeriesHarness h = new SeriesHarness(RuleSet.of(OFFLINE));
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        h.processElement(reading("gauge-1", 30_000, 3.0), 30_000);
        h.processWatermark(30_000);
        assertThat(h.extractOutputValues()).isEmpty();
    }

    @Test
    void aReplayJudgesSettledReadingsOnlyUpToEventTimeSoASilenceBeforeThemIsNoticedFirst() throws Exception {
        SeriesHarness h = new SeriesHarness(new SeriesEvaluator(RuleSet.of(OFFLINE), false, AnomalySettings.defaults(),
                IncidentLifecycle.DEFAULT_FORGET_AFTER, Duration.ofDays(365)));
        h.setProcessingTime(0);
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        // the series' readings after its silence arrive while the operator's watermark still lags behind
        h.processElement(reading("gauge-1", 60_000, 3.0), 60_000);
        h.processElement(reading("gauge-1", 61_000, 3.0), 61_000);
        h.processWatermark(0);
        assertThat(h.extractOutputValues()).as("nothing is told before event time reaches it").isEmpty();
        h.processWatermark(30_000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime)
                .containsExactly(tuple(Phase.ALARM, 30_000L));
        h.processWatermark(61_000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.ALARM, 30_000L), tuple(Phase.RECOVERING, 60_000L), tuple(Phase.CLOSED, 60_000L));
        assertThat(h.numEventTimeTimers()).as("the next silence's deadline").isEqualTo(1);
    }

    @Test
    void endOfInputIsNotSilence() throws Exception {
        SeriesHarness h = new SeriesHarness(RuleSet.of(OFFLINE));
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        h.processWatermark(Long.MAX_VALUE);
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aDeviceWhoseClockIsBehindIsJudgedAndDoesNotFlapOffline() throws Exception {
        SeriesHarness h = new SeriesHarness(new RuleSet(List.of(LEVEL, OFFLINE)));
        h.processWatermark(T0); // the fleet's time
        for (int i = 0; i < 5; i++) {
            long behind = T0 - 10 * MIN + i * 1000L; // ten minutes behind everyone else
            Reading r = reading("gauge-1", behind, i == 4 ? 4.5 : 3.0);
            h.processElement(new Reading(r.deviceId(), r.site(), r.zone(), r.metric(), r.value(), r.unit(), behind,
                    T0 + i * 1000L, r.protocol()), behind); // received now, by the gateway's clock
            h.processWatermark(T0 + i * 1000L);
        }
        assertThat(h.extractOutputValues()).as("its own breach is seen; no offline alarm while it speaks")
                .extracting(Alert::ruleId, Alert::phase).containsExactly(tuple("level", Phase.ALARM));
    }

    @Test
    void aSilentSeriesIsForgottenOneForgetTimeAfterItsLastReadingWithOneTimerThatMovesLazily() throws Exception {
        SeriesHarness h = new SeriesHarness(RuleSet.of(LEVEL), Duration.ofMinutes(10));
        for (int i = 0; i <= 30; i++) {
            h.processElement(reading("gauge-1", i * MIN, 4.5), i * MIN); // an ALARM stays open
            h.processWatermark(i * MIN);
            assertThat(h.numEventTimeTimers()).as("one forget timer after reading %d", i).isEqualTo(1);
        }
        h.processWatermark(40 * MIN - 1);
        assertThat(h.numKeyedStateEntries()).as("silent for just under the forget time: kept").isEqualTo(1);
        h.processWatermark(40 * MIN);
        assertThat(h.numKeyedStateEntries()).as("silent for the forget time: forgotten").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aQuietSeriesUnderStatelessRulesKeepsNothing() throws Exception {
        SeriesHarness h = new SeriesHarness(RuleSet.of(LEVEL));
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        h.processElement(reading("gauge-1", 1000, 4.5), 1000);
        h.processElement(reading("gauge-1", 2000, 3.0), 2000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase)
                .containsExactly(Phase.ALARM, Phase.RECOVERING, Phase.CLOSED);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void everyReadingIsScoredOnceInSeriesOrderAndAnAnomalyRuleJudgesThatSameScore() throws Exception {
        Rule odd = new Rule("odd", "water_level", Glob.ANY, Glob.ANY,
                List.of(new Anomaly(0.5, 0.3, Duration.ZERO, Duration.ofMinutes(1))), "warning", "{rule}", "{value}",
                null, null);
        SeriesHarness h = new SeriesHarness(new SeriesEvaluator(RuleSet.of(odd), true, AnomalySettings.defaults(),
                IncidentLifecycle.DEFAULT_FORGET_AFTER));
        List<Reading> readings = gauge(200);
        for (Reading r : readings) {
            h.processElement(r, r.eventTime());
        }
        List<AnomalyScore> scores = h.evaluator.getSideOutput(SeriesEvaluator.SCORES).stream()
                .map(StreamRecord::getValue).toList();
        SeriesAnomaly alone = new SeriesAnomaly(AnomalySettings.defaults());
        assertThat(scores).hasSize(readings.size());
        for (int i = 0; i < readings.size(); i++) {
            assertThat(scores.get(i).score()).isEqualTo(alone.update(readings.get(i).eventTime(),
                    readings.get(i).value()).score());
        }
        assertThat(scores.get(0)).isEqualTo(new AnomalyScore("gauge-1", "delta", "river-north", "water_level", T0,
                readings.get(0).value(), 0.0, "m"));
        double spike = scores.get(scores.size() - 1).score();
        assertThat(spike).as("the spike").isGreaterThanOrEqualTo(SeriesAnomaly.Assessment.ANOMALOUS);
        Alert last = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
        assertThat(last).extracting(Alert::ruleId, Alert::phase, Alert::value).containsExactly("odd", Phase.ALARM, 9.0);

        // a late reading is neither scored nor judged
        h.processElement(readings.get(5), readings.get(5).eventTime());
        assertThat(h.evaluator.getSideOutput(SeriesEvaluator.SCORES)).hasSize(readings.size());
    }

    @Test
    void anAcknowledgementReachesItsSeriesEvenWhenTheDeviceIdHasAColon() throws Exception {
        Rule escalating = new Rule("level", "water_level", Glob.ANY, Glob.ANY, List.<Condition>of(
                new Threshold(Direction.ABOVE, 4.0, null, 3.8, Duration.ZERO, Duration.ZERO)), "critical", "{rule}",
                "{value}", null, Duration.ofMinutes(5));
        SeriesHarness h = new SeriesHarness(RuleSet.of(escalating));
        h.setProcessingTime(0);
        h.processElement(reading("plant:gauge-7", 0, 4.5), 0);
        String id = h.extractOutputValues().get(0).incidentId();
        assertThat(id).isEqualTo("level:plant:gauge-7:water_level:0");
        assertThat(h.numProcessingTimeTimers()).as("escalation armed").isEqualTo(1);

        h.acknowledge(new Acknowledgement(id, "duty-1", 1000, "on it", "http"));
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::acknowledgedBy)
                .containsExactly(tuple(Phase.ALARM, null), tuple(Phase.ALARM, "duty-1"));
        h.setProcessingTime(Duration.ofMinutes(10).toMillis());
        assertThat(h.extractOutputValues()).as("no escalation after the acknowledgement").hasSize(2);
        assertThat(h.audit()).extracting(a -> a.kind()).containsExactly("ACKNOWLEDGED");
    }

    @Test
    void theStateSurvivesACheckpointAndARestoreIntoANewOperator() throws Exception {
        SeriesHarness h = new SeriesHarness(new RuleSet(List.of(LEVEL, OFFLINE, RISE)));
        h.setProcessingTime(0);
        h.processElement(reading("gauge-1", 0, 3.0), 0);
        h.processElement(reading("gauge-1", 1000, 4.5), 1000);
        var snapshot = h.evaluator.snapshot(1, 2000);

        SeriesHarness harness = SeriesHarness.restored(new SeriesEvaluator(new RuleSet(List.of(LEVEL, OFFLINE, RISE)), false,
                AnomalySettings.defaults(), IncidentLifecycle.DEFAULT_FORGET_AFTER), snapshot);
        harness.processElement(reading("gauge-1", 2000, 3.0), 2000);
        assertThat(harness.extractOutputValues()).as("the open ALARM of level recovers in the restored operator")
                .extracting(Alert::ruleId, Alert::phase)
                .containsExactly(tuple("level", Phase.RECOVERING), tuple("level", Phase.CLOSED),
                        tuple("rise", Phase.RECOVERING), tuple("rise", Phase.CLOSED));
        harness.processWatermark(1000 + 30_000);
        assertThat(harness.extractOutputValues()).extracting(Alert::ruleId).doesNotContain("offline");
        harness.processWatermark(2000 + 30_000);
        assertThat(harness.extractOutputValues()).extracting(Alert::ruleId, Alert::phase)
                .contains(tuple("offline", Phase.ALARM));
    }

    @Test
    void readingsTheGatewaySentOutOfOrderWithinTheSettlingWindowAreJudgedInTheirOrder() throws Exception {
        SeriesHarness h = new SeriesHarness(new SeriesEvaluator(RuleSet.of(LEVEL), false, AnomalySettings.defaults(),
                IncidentLifecycle.DEFAULT_FORGET_AFTER, Duration.ofMillis(100)));
        h.setProcessingTime(0);
        h.processElement(reading("gauge-1", 2000, 3.0), 2000); // handled first by another gateway connection
        h.processElement(reading("gauge-1", 1000, 4.5), 1000);
        assertThat(h.extractOutputValues()).as("waiting for the window to end").isEmpty();
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

        var restored = SeriesHarness.restored(new SeriesEvaluator(RuleSet.of(LEVEL), false, AnomalySettings.defaults(),
                IncidentLifecycle.DEFAULT_FORGET_AFTER, Duration.ofMillis(100)), h.evaluator.snapshot(1, 50));
        for (SeriesHarness c : List.of(h, restored)) {
            c.setProcessingTime(100);
            assertThat(c.extractOutputValues()).as("judged in event-time order, not arrival order")
                    .extracting(Alert::phase, Alert::eventTime).containsExactly(tuple(Phase.ALARM, 1000L),
                            tuple(Phase.RECOVERING, 2000L), tuple(Phase.CLOSED, 2000L));
            assertThat(c.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aSettlingReadingIsJudgedAsSoonAsEventTimeHasPassedIt() throws Exception {
        SeriesHarness h = new SeriesHarness(new SeriesEvaluator(RuleSet.of(LEVEL), false, AnomalySettings.defaults(),
                IncidentLifecycle.DEFAULT_FORGET_AFTER, Duration.ofMillis(100)));
        h.setProcessingTime(0);
        h.processElement(reading("gauge-1", 1000, 4.5), 1000);
        h.processWatermark(999);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(1000); // a replay, or the end of input: the watermark, not the wall clock, ends the wait
        assertThat(h.extractOutputValues()).extracting(Alert::phase).containsExactly(Phase.ALARM);
    }

    static List<Reading> gauge(int n) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double v = i == n - 1 ? 9.0 : 3.0 + 0.01 * Math.sin(i * 1.7) + 0.005 * Math.cos(i * 0.37);
            out.add(new Reading("gauge-1", "delta", "river-north", "water_level", v, "m", T0 + i * MIN,
                    T0 + i * MIN, Protocol.MQTT));
        }
        return out;
    }

    static Rule rule(String id, Condition c) {
        return new Rule(id, "water_level", Glob.ANY, Glob.ANY, c, "critical", "{rule}", "{value}");
    }

    static Reading reading(String device, long t, double value) {
        return new Reading(device, "delta", "river-north", "water_level", value, "m", t, t, Protocol.MQTT);
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}

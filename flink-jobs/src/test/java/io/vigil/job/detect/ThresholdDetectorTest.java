package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.Threshold;
import io.vigil.job.series.SeriesHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The threshold detector and the incident machine in the series evaluator: the phases a threshold rule goes through. */
class ThresholdDetectorTest {
    static final String RULE = "river-level-high";
    /** The demo rule: above 4.0, warn 3.6, clear 3.8, for 5 s, clear_for 10 s. */
    static final Rule RIVER = rule(RULE, new Threshold(Direction.ABOVE, 4.0, 3.6, 3.8,
            Duration.ofSeconds(5), Duration.ofSeconds(10)));
    static final Rule NO_WARN = rule("no-warn", new Threshold(Direction.ABOVE, 4.0, null, 4.0,
            Duration.ofSeconds(3), Duration.ZERO));
    static final Rule LOW = rule("reservoir-low", new Threshold(Direction.BELOW, 1.0, null, 1.5,
            Duration.ZERO, Duration.ZERO));

    /** A flood that rises, dithers around the clear level, recovers, and stays down. One value per second. */
    static final double[] FLOOD = {3.0, 3.7, 4.2, 4.3, 4.4, 4.5, 4.4, 4.3, 3.9, 3.7, 3.7, 3.9, 3.7, 3.6, 3.5, 3.4,
        3.3, 3.2, 3.1, 3.0, 3.0, 3.0, 3.0, 3.0};

    @Test
    void floodGoesThroughEveryPhaseAsOneIncident() throws Exception {
        var h = harness(RIVER);
        feedSorted(h, RULE, FLOOD);

        List<Alert> alerts = h.extractOutputValues();
        assertThat(alerts).extracting(Alert::phase, Alert::eventTime, Alert::value, Alert::limit, Alert::severity)
                .containsExactly(
                        tuple(Phase.PRE_WARNING, 1000L, 3.7, 3.6, "warning"),
                        tuple(Phase.ALARM, 7000L, 4.3, 4.0, "critical"),      // beyond 4.0 from 2 s: 5 s later
                        tuple(Phase.RECOVERING, 9000L, 3.7, 3.8, "critical"), // 3.9 at 8 s is not below 3.8
                        tuple(Phase.CLOSED, 22000L, 3.0, 3.8, "critical"));   // 3.9 at 11 s restarted clear_for
        assertThat(alerts).extracting(Alert::incidentId).containsOnly(RULE + ":gauge-1:water_level:1000");
        assertThat(alerts).extracting(Alert::startedAt).containsOnly(1000L);
        assertThat(alerts.get(1).summary()).isEqualTo("River level high at river-north");
        assertThat(alerts.get(1).description()).isEqualTo("gauge-1 reads 4.3 m, limit 4.0 m (ALARM)");
        assertThat(alerts.get(1)).extracting(Alert::ruleId, Alert::subject, Alert::zone, Alert::site, Alert::metric)
                .containsExactly(RULE, "gauge-1", "river-north", "delta", "water_level");

        assertThat(h.numKeyedStateEntries()).as("state after CLOSED").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aReadingIsJudgedOnArrivalWithoutWaitingForTheWatermark() throws Exception {
        var h = harness(RIVER);
        h.processElement(in(RULE, 0, 4.5), 0);
        assertThat(h.extractOutputValues()).extracting(Alert::phase).containsExactly(Phase.PRE_WARNING);
        h.processElement(in(RULE, 5000, 4.6), 5000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase).containsExactly(Phase.PRE_WARNING, Phase.ALARM);

        assertThat(h.numKeyedStateEntries()).as("one state entry for the series").isEqualTo(1);
        assertThat(h.numEventTimeTimers()).as("only the forget timer").isEqualTo(1);
    }

    @Test
    void theAlertsDoNotDependOnWhenWatermarksCome() throws Exception {
        var sorted = harness(RIVER);
        feedSorted(sorted, RULE, FLOOD);

        var h = harness(RIVER);
        for (int i = 0; i < FLOOD.length; i++) {
            h.processElement(in(RULE, i * 1000L, FLOOD[i]), i * 1000L);
        }
        h.processWatermark(Long.MAX_VALUE);

        assertThat(h.extractOutputValues()).isNotEmpty().isEqualTo(sorted.extractOutputValues());
    }

    @Test
    void aReadingOlderThanTheSeriesLastJudgedOneIsNotJudged() throws Exception {
        var h = harness(RIVER);
        feedSorted(h, RULE, 3.7, 3.7, 3.7); // PRE_WARNING open: the series has state
        h.processElement(in(RULE, 500, 9.9), 500);

        assertThat(h.extractOutputValues()).as("9.9 at 0.5 s would be an ALARM's start if judged")
                .extracting(Alert::phase).containsExactly(Phase.PRE_WARNING);
        h.processElement(in(RULE, 7500, 4.5), 7500);
        h.processElement(in(RULE, 8000, 4.5), 8000);
        assertThat(h.extractOutputValues()).as("the breach started at 7.5 s, not at the late 0.5 s")
                .extracting(Alert::phase).containsExactly(Phase.PRE_WARNING);
    }

    @Test
    void holdTimeMustPassBeforeAlarm() throws Exception {
        var h = harness(NO_WARN);
        feedSorted(h, "no-warn", 3.0, 4.5, 4.5, 4.5, 3.9, 4.5, 4.5, 4.5, 4.5);

        // the first run beyond 4.0 lasts 2 s (< 3 s); the second starts at 5 s and reaches 3 s at 8 s
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime, Alert::startedAt)
                .containsExactly(tuple(Phase.ALARM, 8000L, 5000L));
        assertThat(h.extractOutputValues().get(0).incidentId()).isEqualTo("no-warn:gauge-1:water_level:5000");
    }

    @Test
    void shortExcursionLeavesNoStateBehind() throws Exception {
        var h = harness(NO_WARN);
        feedSorted(h, "no-warn", 4.5, 4.5, 3.0);

        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void hysteresisKeepsAlarmBetweenClearAndLimitAndReturnsToAlarmInTheSameIncident() throws Exception {
        var h = harness(RIVER);
        // ALARM at 5 s (beyond from 0 s); 3.9 holds ALARM; 3.7 recovers; 4.1 re-alarms at once
        feedSorted(h, RULE, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 3.9, 3.9, 3.7, 4.1);

        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime)
                .containsExactly(tuple(Phase.PRE_WARNING, 0L), tuple(Phase.ALARM, 5000L),
                        tuple(Phase.RECOVERING, 8000L), tuple(Phase.ALARM, 9000L));
        assertThat(h.extractOutputValues()).extracting(Alert::incidentId).containsOnly(RULE + ":gauge-1:water_level:0");
        assertThat(h.numKeyedStateEntries()).as("open incident: the series' one entry").isEqualTo(1);
        assertThat(h.numEventTimeTimers()).as("only the forget timer").isEqualTo(1);
    }

    @Test
    void preWarningIsWithdrawnWhenTheValueDropsBackUnderWarn() throws Exception {
        var h = harness(RIVER);
        feedSorted(h, RULE, 3.7, 3.8, 3.5);

        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::limit, Alert::severity)
                .containsExactly(tuple(Phase.PRE_WARNING, 3.6, "warning"), tuple(Phase.CLOSED, 3.6, "warning"));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void belowRulesWatchTheOtherSide() throws Exception {
        var h = harness(LOW);
        feedSorted(h, "reservoir-low", 2.0, 0.8, 1.2, 1.6);

        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime)
                .containsExactly(tuple(Phase.ALARM, 1000L), tuple(Phase.RECOVERING, 3000L), tuple(Phase.CLOSED, 3000L));
    }

    @Test
    void aReadingBehindTheWatermarkIsStillJudgedInItsSeriesOrder() throws Exception {
        var h = harness(RIVER);
        h.processWatermark(10_000); // other devices' time: it does not hold this series back or make it late
        h.processElement(in(RULE, 5000, 3.7), 5000);

        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime)
                .containsExactly(tuple(Phase.PRE_WARNING, 5000L));
    }

    @Test
    void silentSeriesIsForgotten() throws Exception {
        var h = new SeriesHarness(RuleSet.of(RIVER), Duration.ofMinutes(1));
        feedSorted(h, RULE, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5);
        assertThat(h.extractOutputValues()).extracting(Alert::phase).containsExactly(Phase.PRE_WARNING, Phase.ALARM);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        h.processWatermark(5000 + 60_000 - 1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(5000 + 60_000);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void seriesAreIndependent() throws Exception {
        var h = harness(RIVER);
        h.processElement(in(RULE, "gauge-1", 0, 3.7), 0);
        h.processElement(in(RULE, "gauge-2", 0, 3.0), 0);

        assertThat(h.extractOutputValues()).extracting(Alert::subject, Alert::phase)
                .containsExactly(tuple("gauge-1", Phase.PRE_WARNING));
    }

    static SeriesHarness harness(Rule rule) throws Exception {
        return new SeriesHarness(RuleSet.of(rule));
    }

    /** One reading per second from t = 0, each followed by a watermark at its time, then end of input. */
    static void feedSorted(SeriesHarness h, String ruleId,
                           double... values) throws Exception {
        for (int i = 0; i < values.length; i++) {
            h.processElement(in(ruleId, i * 1000L, values[i]), i * 1000L);
            h.processWatermark(i * 1000L);
        }
    }

    static Reading in(String ruleId, long t, double value) {
        return in(ruleId, "gauge-1", t, value);
    }

    /** A reading of {@code device}; every rule watching it judges it (the rule id only names the intent). */
    static Reading in(String ruleId, String device, long t, double value) {
        return new Reading(device, "delta", "river-north", "water_level", value, "m", t, t, Protocol.MQTT);
    }

    static Rule rule(String id, Threshold threshold) {
        return new Rule(id, "water_level", Glob.ANY, Glob.ANY, threshold, "critical",
                "River level high at {zone}", "{device} reads {value} {unit}, limit {limit} {unit} ({phase})");
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}

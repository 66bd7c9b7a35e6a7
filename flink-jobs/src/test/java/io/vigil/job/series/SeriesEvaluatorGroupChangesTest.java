package io.vigil.job.series;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.group.MemberChange;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.GroupAnomaly;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/** A {@code group_anomaly} rule costs its series one side-output record per change of standing, not per reading. */
class SeriesEvaluatorGroupChangesTest {
    static final Rule PLANT = new Rule("plant", "water_level", Glob.ANY, Glob.ANY,
            List.of(new GroupAnomaly(GroupAnomaly.By.ZONE, 3, Duration.ofMinutes(10), Duration.ZERO)), "critical",
            "{rule}", "{members}", null, null);

    @Test
    void aSeriesTellsItsGroupOnlyWhenItTurnsAnomalousOrStops() throws Exception {
        SeriesHarness h = new SeriesHarness(new SeriesEvaluator(RuleSet.of(PLANT), false, AnomalySettings.defaults(),
                IncidentLifecycle.DEFAULT_FORGET_AFTER));
        List<Reading> readings = new ArrayList<>(SeriesEvaluatorTest.gauge(200).subList(0, 199));
        long t = readings.get(readings.size() - 1).eventTime();
        for (int i = 1; i <= 40; i++) { // a lasting excursion, then back to normal
            readings.add(SeriesEvaluatorTest.reading("gauge-1", t + i * SeriesEvaluatorTest.MIN, i <= 6 ? 9.0 : 3.0));
        }
        SeriesAnomaly alone = new SeriesAnomaly(AnomalySettings.defaults());
        int anomalousReadings = 0;
        for (Reading r : readings) {
            h.processElement(r, r.eventTime());
            if (alone.update(r.eventTime(), r.value()).score() >= SeriesAnomaly.Assessment.ANOMALOUS) {
                anomalousReadings++;
            }
        }
        List<MemberChange> changes = h.evaluator.getSideOutput(SeriesEvaluator.GROUP_CHANGES).stream()
                .map(StreamRecord::getValue).toList();

        assertThat(anomalousReadings).as("the excursion is anomalous for several readings").isGreaterThan(2);
        assertThat(changes).extracting(MemberChange::anomalous).containsExactly(true, false);
        MemberChange onset = changes.get(0);
        assertThat(onset).isEqualTo(new MemberChange("plant", "delta:river-north", "delta", "river-north",
                "water_level", "gauge-1/water_level", true, t + SeriesEvaluatorTest.MIN, 3, 600_000, 0));
        assertThat(changes.get(1).eventTime()).isGreaterThan(onset.eventTime());
        assertThat(h.extractOutputValues()).as("the group's incident is not the series'").isEmpty();
    }

    @Test
    void aSeriesNoGroupRuleWatchesSendsNothing() throws Exception {
        Rule elsewhere = new Rule("plant", "other_metric", Glob.ANY, Glob.ANY, PLANT.conditions(), "critical",
                "{rule}", "{members}", null, null);
        SeriesHarness h = new SeriesHarness(new SeriesEvaluator(RuleSet.of(elsewhere), false,
                AnomalySettings.defaults(), IncidentLifecycle.DEFAULT_FORGET_AFTER));
        for (Reading r : SeriesEvaluatorTest.gauge(200)) {
            h.processElement(r, r.eventTime());
        }
        assertThat(h.evaluator.getSideOutput(SeriesEvaluator.GROUP_CHANGES)).isNull();
        assertThat(h.numKeyedStateEntries()).as("no model kept for a series no rule scores").isZero();
    }
}

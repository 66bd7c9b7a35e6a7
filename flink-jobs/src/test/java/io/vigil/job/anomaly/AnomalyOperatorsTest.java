package io.vigil.job.anomaly;

import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.LiveRules;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.RuleReading;
import io.vigil.job.detect.Signal;
import io.vigil.job.rules.Anomaly;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The scorer and the anomaly detector as Flink operators: order, timers, state, and equal scores. */
class AnomalyOperatorsTest {
    static final long T0 = 1_704_067_200_000L;
    static final long MIN = 60_000L;
    static final AnomalySettings SETTINGS = AnomalySettings.defaults();

    /** A quiet gauge: 3.0 with a small deterministic wobble, one reading a minute, then a spike at the end. */
    static List<Reading> gauge(int n) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double v = i == n - 1 ? 9.0 : 3.0 + 0.01 * Math.sin(i * 1.7) + 0.005 * Math.cos(i * 0.37);
            out.add(new Reading("gauge-1", "delta", "river-north", "water_level", v, "m", T0 + i * MIN,
                    T0 + i * MIN, Protocol.MQTT));
        }
        return out;
    }

    @Test
    void scoresInEventTimeOrderOnceTheWatermarkPassesAndForgetsSilentSeries() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new AnomalyScorer(SETTINGS),
                Reading::seriesKey, Types.STRING);
        List<Reading> readings = gauge(200);
        // pairs arrive swapped: the scorer must still see them in event-time order
        for (int i = 0; i + 1 < readings.size(); i += 2) {
            h.processElement(readings.get(i + 1), readings.get(i + 1).eventTime());
            h.processElement(readings.get(i), readings.get(i).eventTime());
            assertThat(h.numEventTimeTimers()).as("one timer per pending time, plus the forget timer")
                    .isEqualTo(i == 0 ? 2 : 3);
            h.processWatermark(readings.get(i + 1).eventTime());
        }
        List<AnomalyScore> out = h.extractOutputValues();
        assertThat(out).extracting(AnomalyScore::eventTime)
                .containsExactlyElementsOf(readings.stream().map(Reading::eventTime).toList());
        SeriesAnomaly alone = new SeriesAnomaly(SETTINGS);
        for (int i = 0; i < readings.size(); i++) {
            assertThat(out.get(i).score())
                    .isEqualTo(alone.update(readings.get(i).eventTime(), readings.get(i).value()).score());
        }
        assertThat(out.get(out.size() - 1).score()).as("the spike").isGreaterThanOrEqualTo(SeriesAnomaly.Assessment.ANOMALOUS);
        assertThat(out.get(0)).isEqualTo(new AnomalyScore("gauge-1", "delta", "river-north", "water_level", T0,
                readings.get(0).value(), 0.0, "m"));

        // a late reading is not scored
        h.processElement(readings.get(5), readings.get(5).eventTime());
        assertThat(h.extractOutputValues()).hasSize(readings.size());
        // model and forget timer only; gone after forgetAfter of silence
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(readings.get(readings.size() - 1).eventTime() + SETTINGS.forgetAfter().toMillis());
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void theDetectorWarnsAndAlarmsOnTheSameScoresAsTheScorer() throws Exception {
        Rule rule = new Rule("odd", "water_level", Glob.ANY, Glob.ANY,
                List.of(new Anomaly(0.6, 0.3, Duration.ZERO, Duration.ofMinutes(1))), "warning", "{rule}", "{value}",
                null, null);
        RuleSet rules = RuleSet.of(rule);
        KeyedBroadcastOperatorTestHarness<String, RuleReading, RulesUpdate, Signal> h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new AnomalyDetector(rules),
                        RuleReading::key, Types.STRING, LiveRules.STATE);
        h.processBroadcastWatermark(Long.MAX_VALUE); // as in the job: the rules input never holds event time back
        List<Reading> readings = gauge(200);
        SeriesAnomaly alone = new SeriesAnomaly(SETTINGS);
        for (Reading r : readings) {
            h.processElement(new RuleReading("odd", r), r.eventTime());
            h.processWatermark(r.eventTime());
            double score = alone.update(r.eventTime(), r.value()).score();
            Signal s = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
            Level expected = score >= 0.6 ? Level.ALARM : score >= 0.3 ? Level.WARN : Level.NORMAL;
            assertThat(s.level()).isEqualTo(expected);
            assertThat(s.cleared()).isEqualTo(expected != Level.ALARM);
        }
        List<Signal> out = h.extractOutputValues();
        assertThat(out).hasSize(readings.size());
        Signal last = out.get(out.size() - 1);
        assertThat(last.level()).isEqualTo(Level.ALARM);
        assertThat(last.detector()).isEqualTo("anomaly");
        assertThat(last.limit()).isEqualTo(0.6);
        assertThat(last.value()).isEqualTo(9.0);
        // the pending buffer is empty: the model and the forget timer remain, and go after forgetAfter
        assertThat(keyedStateEntries(h)).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(last.eventTime() + SETTINGS.forgetAfter().toMillis());
        assertThat(keyedStateEntries(h)).isZero();
    }

    private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }
}

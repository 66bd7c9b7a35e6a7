package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.anomaly.AnomalyModel;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole pipeline on a MiniCluster with in-memory readings and collecting sinks. */
class VigilJobTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long T0 = 1_700_000_000_000L;
    /** gauge-1 floods past the demo rule's levels; one value per second. */
    static final double[] FLOOD = {3.0, 3.7, 4.2, 4.3, 4.4, 4.5, 4.4, 4.3, 4.2, 3.7, 3.6, 3.5, 3.4, 3.3, 3.2, 3.1,
        3.0, 3.0, 3.0, 3.0, 3.0, 3.0};

    @Test
    void readingsReachTheSeriesSinkAndAlertsEveryAlertSinkInPhaseOrder() throws Exception {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < FLOOD.length; i++) {
            long t = T0 + i * 1000L;
            readings.add(reading("gauge-1", "water_level", FLOOD[i], t));
            readings.add(reading("gauge-2", "water_level", 3.0, t));
            readings.add(reading("gauge-1", "temperature", 12.5, t));
        }
        // arrive out of order, within the 2 s bound: swap every pair
        for (int i = 0; i + 1 < readings.size(); i += 2) {
            readings.set(i, readings.set(i + 1, readings.get(i)));
        }
        RuleSet rules = RulesLoader.load(Path.of("..", "config", "rules.yaml"));
        CollectingSink<Reading> series = new CollectingSink<>();
        CollectingSink<Alert> alertsA = new CollectingSink<>();
        CollectingSink<Alert> alertsB = new CollectingSink<>();

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // readings and state must use Flink's POJO serializers, not Kryo
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        VigilJob.build(env, source(readings), VigilJob.watermarks(Duration.ofSeconds(2), Duration.ofSeconds(10)),
                series, List.<Sink<Alert>>of(alertsA, alertsB), rules);
        env.execute("vigil-test");

        assertThat(series.values()).containsExactlyInAnyOrderElementsOf(readings);
        // demo rule: warn 3.6, limit 4.0 for 5 s, clear 3.8 for 10 s
        assertThat(alertsA.values()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.PRE_WARNING, T0 + 1000), tuple(Phase.ALARM, T0 + 7000),
                tuple(Phase.RECOVERING, T0 + 9000), tuple(Phase.CLOSED, T0 + 19000));
        assertThat(alertsA.values()).extracting(Alert::incidentId)
                .containsOnly("river-level-high:gauge-1:water_level:" + (T0 + 1000));
        assertThat(alertsB.values()).isEqualTo(alertsA.values());
    }

    @Test
    void everyReadingGetsAnAnomalyScoreAndTheDefaultAnomalyRuleRaisesAnIncidentOnASpike() throws Exception {
        List<Reading> readings = new ArrayList<>();
        int n = 120;
        for (int i = 0; i < n; i++) {
            long t = T0 + i * 60_000L;
            double wobble = 0.01 * Math.sin(i * 1.7) + 0.005 * Math.cos(i * 0.37);
            readings.add(reading("gauge-1", "water_level", (i == n - 10 ? 9.0 : 3.0) + wobble, t));
            readings.add(reading("gauge-2", "temperature", 12.5 + wobble, t));
        }
        readings.add(reading("gauge-2", "temperature", Double.NaN, T0 + n * 60_000L));
        CollectingSink<AnomalyScore> scores = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        VigilJob.build(env, source(readings), VigilJob.watermarks(Duration.ofSeconds(2), Duration.ofSeconds(10)), null,
                new CollectingSink<>(), scores, List.<Sink<Alert>>of(alerts), List.of(), RuleSet.anomalyDefaults());
        env.execute("vigil-anomaly-test");

        assertThat(scores.values()).hasSize(2 * n).allMatch(s -> s.score() >= 0 && s.score() <= 1);
        for (String device : List.of("gauge-1", "gauge-2")) {
            List<AnomalyScore> series = scores.values().stream().filter(s -> s.deviceId().equals(device)).toList();
            AnomalyModel alone = new AnomalyModel(AnomalySettings.defaults());
            for (AnomalyScore s : series) {
                assertThat(s.score()).as("scored in event-time order").isEqualTo(alone.update(s.eventTime(), s.value()));
            }
        }
        long spikeAt = T0 + (n - 10) * 60_000L;
        assertThat(alerts.values()).filteredOn(a -> a.phase() == Phase.ALARM).extracting(Alert::incidentId)
                .containsExactly(RuleSet.ANOMALY_DEFAULT_ID + ":gauge-1:water_level:" + spikeAt);
    }

    static DataGeneratorSource<Reading> source(List<Reading> readings) {
        TypeInformation<Reading> type = TypeInformation.of(Reading.class);
        return new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type, readings.toArray(Reading[]::new)),
                readings.size(), type);
    }

    static Reading reading(String device, String metric, double value, long t) {
        return new Reading(device, "delta", "river-north", metric, value, "m", t, t + 5, Protocol.MQTT);
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}

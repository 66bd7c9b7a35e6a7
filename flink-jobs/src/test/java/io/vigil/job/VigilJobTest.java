package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.backtest.ReplayResultSink;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
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
        3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0};

    @Test
    void readingsReachTheSeriesSinkAndAlertsEveryAlertSinkInPhaseOrder() throws Exception {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < FLOOD.length; i++) {
            long t = T0 + i * 1000L;
            readings.add(reading("gauge-1", "water_level", FLOOD[i], t));
            readings.add(reading("gauge-2", "water_level", 3.0, t));
            readings.add(reading("gauge-1", "temperature", 12.5, t));
        }
        // interleaved differently: swap every pair (each series keeps its own order, as over Kafka)
        for (int i = 0; i + 1 < readings.size(); i += 2) {
            readings.set(i, readings.set(i + 1, readings.get(i)));
        }
        RuleSet rules = RulesLoader.load(Path.of("..", "config", "rules.yaml"));
        ReplayResultSink<Reading> series = new ReplayResultSink<>();
        ReplayResultSink<Alert> alertsA = new ReplayResultSink<>();
        ReplayResultSink<Alert> alertsB = new ReplayResultSink<>();

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // readings and state must use Flink's POJO serializers, not Kryo
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        VigilJob.build(env, source(readings), VigilJob.watermarks(Duration.ofSeconds(2), Duration.ofSeconds(10)),
                series, List.<Sink<Alert>>of(alertsA, alertsB), rules);
        // one reader, as one Kafka partition per device: two generator readers would split each series between them
        InOrderReplay.oneReader(env, VigilJob.READINGS_SOURCE);
        env.execute("vigil-test");

        assertThat(series.values()).containsExactlyInAnyOrderElementsOf(readings);
        // demo rule: warn 3.6, limit 4.0 for 5 s, clear 3.5 for 10 s (3.7, 3.6, 3.5 on the way down keep the ALARM)
        assertThat(alertsA.values()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.PRE_WARNING, T0 + 1000), tuple(Phase.ALARM, T0 + 7000),
                tuple(Phase.RECOVERING, T0 + 12_000), tuple(Phase.CLOSED, T0 + 22_000));
        assertThat(alertsA.values()).extracting(Alert::incidentId)
                .containsOnly("river-level-high:gauge-1:water_level:" + (T0 + 1000));
        assertThat(alertsB.values()).isEqualTo(alertsA.values());
    }

    @Test
    void aRulesDocumentPushedMidStreamAddsARuleAndKeepsTheOpenIncidentOfAnUnchangedOne() throws Exception {
        String original = """
                rules:
                  - id: level-high
                    metric: water_level
                    threshold: {above: 4.0, clear: 3.5}
                """;
        String pushed = original + """
                  - id: level-watch
                    metric: water_level
                    threshold: {above: 4.4}
                """;
        // 4.2 alarms level-high only; from index 6 on, once the push is in force, 4.6 alarms level-watch too
        double[] levels = {3.0, 4.2, 4.2, 4.2, 4.2, 4.2, 4.6, 4.6, 4.6, 3.0, 3.0, 3.0};
        int firstAfterPush = 6;
        ReplayResultSink<Alert> alerts = new ReplayResultSink<>();
        ReplayResultSink<AuditEvent> audit = new ReplayResultSink<>();
        String highIncident = "level-high:gauge-1:water_level:" + (T0 + 1000);

        // readings pause before index 6 until the job has put the pushed rules in force
        GeneratorFunction<Long, Reading> readings = i -> {
            if (i == firstAfterPush) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !audit.values().isEmpty());
            }
            return reading("gauge-1", "water_level", levels[i.intValue()], T0 + i * 1000);
        };
        // the push waits for level-high's ALARM: the incident is open when its rules change. The first control
        // message (an acknowledgement of nothing) moves the control stream's watermark before the generator blocks.
        GeneratorFunction<Long, ControlMessage> control = i -> {
            if (i == 0) {
                return ControlMessage.of(new Acknowledgement("nothing:x:y:0", "nobody", T0, null, "test"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> alerts.values().stream()
                    .anyMatch(a -> a.phase() == Phase.ALARM));
            return ControlMessage.of(new RulesUpdate(pushed, "officer-li", T0 + 5000, "test"));
        };

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1); // one reader per source: the pause above holds back every later reading
        VigilJob.build(env,
                new DataGeneratorSource<>(readings, levels.length, RateLimiterStrategy.perSecond(10),
                        TypeInformation.of(Reading.class)),
                everyReadingMovesTheWatermark(),
                new DataGeneratorSource<>(control, 2, RateLimiterStrategy.perSecond(1),
                        TypeInformation.of(ControlMessage.class)),
                new ReplayResultSink<>(), List.<Sink<Alert>>of(alerts), List.<Sink<AuditEvent>>of(audit),
                RulesLoader.parse(original, "test"));
        env.execute("vigil-rules-push-test");

        assertThat(alerts.values()).filteredOn(a -> a.ruleId().equals("level-high"))
                .extracting(Alert::incidentId, Alert::phase, Alert::eventTime).containsExactly(
                        tuple(highIncident, Phase.ALARM, T0 + 1000), tuple(highIncident, Phase.RECOVERING, T0 + 9000),
                        tuple(highIncident, Phase.CLOSED, T0 + 9000));
        String watchIncident = "level-watch:gauge-1:water_level:" + (T0 + 6000);
        assertThat(alerts.values()).filteredOn(a -> a.ruleId().equals("level-watch"))
                .extracting(Alert::incidentId, Alert::phase, Alert::eventTime).containsExactly(
                        tuple(watchIncident, Phase.ALARM, T0 + 6000), tuple(watchIncident, Phase.RECOVERING, T0 + 9000),
                        tuple(watchIncident, Phase.CLOSED, T0 + 9000));
        assertThat(audit.values()).extracting(AuditEvent::kind, AuditEvent::by, AuditEvent::detail).containsExactly(
                tuple("RULES_CHANGED", "officer-li", "added [level-watch]; removed []; changed []; 2 rules in force"));
    }

    /** Periodic watermarks stop while a generator waits; these go out with each reading. */
    static WatermarkStrategy<Reading> everyReadingMovesTheWatermark() {
        return WatermarkStrategy.<Reading>forGenerator(ctx -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(Reading r, long ts, WatermarkOutput output) {
                output.emitWatermark(new Watermark(ts));
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {}
        }).withTimestampAssigner((r, previous) -> r.eventTime());
    }

    @Test
    void everyReadingGetsAnAnomalyScoreAndTheDefaultAnomalyRuleRaisesAnIncidentOnASpike() throws Exception {
        List<Reading> readings = new ArrayList<>();
        int n = 200; // past the calibrated score's warm-up (60 readings and 2 h)
        for (int i = 0; i < n; i++) {
            long t = T0 + i * 60_000L;
            double wobble = 0.01 * Math.sin(i * 1.7) + 0.005 * Math.cos(i * 0.37);
            readings.add(reading("gauge-1", "water_level", (i == n - 10 ? 9.0 : 3.0) + wobble, t));
            readings.add(reading("gauge-2", "temperature", 12.5 + wobble, t));
        }
        readings.add(reading("gauge-2", "temperature", Double.NaN, T0 + n * 60_000L));
        ReplayResultSink<AnomalyScore> scores = new ReplayResultSink<>();
        ReplayResultSink<Alert> alerts = new ReplayResultSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        VigilJob.build(env, source(readings), VigilJob.watermarks(Duration.ofSeconds(2), Duration.ofSeconds(10)), null,
                new ReplayResultSink<>(), scores, List.<Sink<Alert>>of(alerts), List.of(), RuleSet.anomalyDefaults());
        InOrderReplay.oneReader(env, VigilJob.READINGS_SOURCE);
        env.execute("vigil-anomaly-test");

        assertThat(scores.values()).hasSize(2 * n).allMatch(s -> s.score() >= 0 && s.score() <= 1);
        for (String device : List.of("gauge-1", "gauge-2")) {
            List<AnomalyScore> series = scores.values().stream().filter(s -> s.deviceId().equals(device)).toList();
            SeriesAnomaly alone = new SeriesAnomaly(AnomalySettings.defaults());
            for (AnomalyScore s : series) {
                assertThat(s.score()).as("scored in series order")
                        .isEqualTo(alone.update(s.eventTime(), s.value()).score());
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

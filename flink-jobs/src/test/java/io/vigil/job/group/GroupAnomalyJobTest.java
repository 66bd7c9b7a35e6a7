package io.vigil.job.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.InMemorySink;
import io.vigil.job.InOrderReplay;
import io.vigil.job.VigilJob;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A group rule through the whole pipeline ({@link VigilJob#build}) on a MiniCluster. */
class GroupAnomalyJobTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long T0 = 1_704_067_200_000L;
    static final long MIN = 60_000L;
    /** Readings per sensor before anything unusual: past the model's warm-up (60 readings and 2 hours). */
    static final int QUIET = 200;

    @Test
    void threeSensorsOfAZoneTurningUnusualTogetherRaiseOneGroupAlarmAndOneSensorAloneNone() throws Exception {
        RuleSet rules = RulesLoader.parse("""
                rules:
                  - id: plant-unusual
                    metric: temperature
                    group_anomaly: {by: zone, at_least: 3, within: 10m}
                """, "test");
        // boiler-room: s-1, s-2 and s-3 jump within 6 minutes of each other; pump-house: only p-1 jumps
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < QUIET + 40; i++) {
            long t = T0 + i * MIN;
            readings.add(reading("s-1", "boiler-room", 0, i, i == QUIET, t));
            readings.add(reading("s-2", "boiler-room", 1, i, i == QUIET + 3, t));
            readings.add(reading("s-3", "boiler-room", 2, i, i == QUIET + 6, t));
            readings.add(reading("p-1", "pump-house", 3, i, i == QUIET, t));
            readings.add(reading("p-2", "pump-house", 4, i, false, t));
            readings.add(reading("p-3", "pump-house", 5, i, false, t));
        }
        InMemorySink<Alert> alerts = new InMemorySink<>();

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // the changes and signals must use Flink's own serializers
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<Reading> type = TypeInformation.of(Reading.class);
        VigilJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                        readings.toArray(Reading[]::new)), readings.size(), type),
                everyReadingMovesEventTime(), new InMemorySink<>(),
                List.<Sink<Alert>>of(alerts), rules);
        InOrderReplay.oneReader(env, VigilJob.READINGS_SOURCE);
        env.execute("vigil-group-anomaly-test");

        String group = "plant:boiler-room";
        String incident = "plant-unusual:" + group + ":temperature:" + (T0 + (QUIET + 6) * MIN);
        assertThat(alerts.values()).as("one group incident: the pump house's lone jump says nothing")
                .extracting(Alert::incidentId, Alert::phase, Alert::subject, Alert::zone).containsExactly(
                        tuple(incident, Phase.ALARM, group, "boiler-room"),
                        tuple(incident, Phase.RECOVERING, group, "boiler-room"),
                        tuple(incident, Phase.CLOSED, group, "boiler-room"));
        Alert alarm = alerts.values().get(0);
        assertThat(alarm.eventTime()).isEqualTo(T0 + (QUIET + 6) * MIN);
        assertThat(alarm.value()).isEqualTo(3.0);
        assertThat(alarm.description()).contains("s-1/temperature, s-2/temperature, s-3/temperature");
        assertThat(alerts.values().get(2).report().devices())
                .containsExactly("s-1/temperature", "s-2/temperature", "s-3/temperature");
    }

    /**
     * Event time follows the readings as in a replay: with periodic watermarks a bounded input this small may be read
     * whole before the first one, and then only the end of input moves event time (which is not time passing).
     */
    static WatermarkStrategy<Reading> everyReadingMovesEventTime() {
        return WatermarkStrategy.<Reading>forGenerator(ctx -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(Reading r, long ts, WatermarkOutput output) {
                output.emitWatermark(new Watermark(ts - 1));
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {}
        }).withTimestampAssigner((r, previous) -> r.eventTime());
    }

    /** A quiet temperature with its own small wiggle, or a jump far beyond anything it has shown. */
    static Reading reading(String device, String zone, int k, int i, boolean jump, long t) {
        double v = jump ? 60.0 : 20.0 + 0.1 * Math.sin(i * 1.7 + k) + 0.05 * Math.cos(i * 0.37 + 2 * k);
        return new Reading(device, "plant", zone, "temperature", v, "°C", t, t, Protocol.MQTT);
    }
}

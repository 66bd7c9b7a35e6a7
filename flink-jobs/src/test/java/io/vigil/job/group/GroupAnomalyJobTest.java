package io.vigil.job.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.job.InOrderReplay;
import io.vigil.job.VigilJob;
import io.vigil.job.backtest.ReplayResultSink;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.time.Duration;
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
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
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
    static final String RULES = """
            rules:
              - id: plant-unusual
                metric: temperature
                group_anomaly: {by: zone, at_least: 3, within: 10m}
            """;

    @Test
    void threeSensorsOfAZoneTurningUnusualTogetherRaiseOneGroupAlarmAndOneSensorAloneNone() throws Exception {
        RuleSet rules = RulesLoader.parse(RULES, "test");
        List<Reading> readings = plant();
        ReplayResultSink<Alert> alerts = new ReplayResultSink<>();

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // the changes and signals must use Flink's own serializers
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<Reading> type = TypeInformation.of(Reading.class);
        VigilJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                        readings.toArray(Reading[]::new)), readings.size(), type),
                everyReadingMovesEventTime(), new ReplayResultSink<>(),
                List.<Sink<Alert>>of(alerts), rules);
        InOrderReplay.oneReader(env, VigilJob.READINGS_SOURCE);
        env.execute("vigil-group-anomaly-test");

        String group = "plant:boiler-room";
        // p-1's jump is built like s-1's, at the same minute: anomalous too, but alone in its zone
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

    @Test
    void anOfficerAcknowledgesAGroupIncidentOnTheUsualControlTopic() throws Exception {
        RuleSet rules = RulesLoader.parse(RULES, "test");
        List<Reading> readings = plant();
        ReplayResultSink<Alert> alerts = new ReplayResultSink<>();
        ReplayResultSink<AuditEvent> audit = new ReplayResultSink<>();
        String incident = "plant-unusual:plant:boiler-room:temperature:" + (T0 + (QUIET + 6) * MIN);
        int afterAlarm = (QUIET + 8) * 6;
        // the readings pause after the ALARM until the acknowledgement has been applied, so it finds the incident open
        GeneratorFunction<Long, Reading> generator = i -> {
            if (i == afterAlarm) {
                await().atMost(Duration.ofSeconds(60)).until(() -> alerts.values().stream()
                        .anyMatch(a -> "duty-1".equals(a.acknowledgedBy())));
            }
            return plantReading(i);
        };
        // the first control message, an acknowledgement of nothing, goes out before the generator waits
        GeneratorFunction<Long, ControlMessage> control = i -> {
            if (i == 0) {
                return ControlMessage.of(new Acknowledgement("nothing:x:y:0", "nobody", T0, null, "test"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> alerts.values().stream()
                    .anyMatch(a -> a.phase() == Phase.ALARM));
            return ControlMessage.of(new Acknowledgement(incident, "duty-1", T0, "checking the burners", "test"));
        };

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1); // one reader: the pause above holds back every later reading
        VigilJob.build(env, new DataGeneratorSource<>(generator, readings.size(), TypeInformation.of(Reading.class)),
                everyReadingMovesEventTime(),
                new DataGeneratorSource<>(control, 2, RateLimiterStrategy.perSecond(1),
                        TypeInformation.of(ControlMessage.class)),
                new ReplayResultSink<>(), List.<Sink<Alert>>of(alerts), List.<Sink<AuditEvent>>of(audit), rules);
        env.execute("vigil-group-anomaly-ack-test");

        assertThat(alerts.values()).extracting(Alert::incidentId, Alert::phase, Alert::acknowledgedBy).containsExactly(
                tuple(incident, Phase.ALARM, null), tuple(incident, Phase.ALARM, "duty-1"),
                tuple(incident, Phase.RECOVERING, "duty-1"), tuple(incident, Phase.CLOSED, "duty-1"));
        assertThat(alerts.values().get(3).report().acknowledgedBy()).isEqualTo("duty-1");
        assertThat(audit.values()).extracting(AuditEvent::kind, AuditEvent::subject)
                .containsExactly(tuple("ACKNOWLEDGED", incident));
    }

    /** Boiler room: s-1, s-2 and s-3 jump within 6 minutes of each other; pump house: only p-1 jumps. */
    static List<Reading> plant() {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < (QUIET + 40) * SENSORS.length; i++) {
            readings.add(plantReading(i));
        }
        return readings;
    }

    static final String[] SENSORS = {"s-1", "s-2", "s-3", "p-1", "p-2", "p-3"};
    /** The minute after QUIET each sensor jumps at, or -1 for never. */
    static final int[] JUMPS = {0, 3, 6, 0, -1, -1};

    /** The plant's {@code n}-th reading: one per sensor and minute, in time order. */
    static Reading plantReading(long n) {
        int i = (int) (n / SENSORS.length);
        int k = (int) (n % SENSORS.length);
        return reading(SENSORS[k], k < 3 ? "boiler-room" : "pump-house", k, i, JUMPS[k] >= 0 && i == QUIET + JUMPS[k],
                T0 + i * MIN);
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

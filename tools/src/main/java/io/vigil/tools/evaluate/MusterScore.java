package io.vigil.tools.evaluate;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.rfid.Site;
import io.vigil.job.InOrderReplay;
import io.vigil.job.VigilJob;
import io.vigil.job.backtest.ReplayResultSink;
import io.vigil.job.rfid.RfidRules;
import io.vigil.job.rules.RuleSet;
import io.vigil.sim.rfid.MusterTruth;
import io.vigil.sim.rfid.RfidScenario;
import io.vigil.sim.rfid.TriggerSensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * How an evacuation's muster went against the scenario's truth. Times are ms from the scenario's start (event
 * time); a null time did not happen.
 *
 * @param triggerAtMs    the readings rule's ALARM that started the muster (the trigger sensor's readings judged by
 *                       the real readings rules)
 * @param openedAtMs     the muster incident's first ALARM
 * @param listed         how many people its first list named, of {@code expected} truly inside at the trigger
 * @param lastArrivalMs  when the last of them truly reached an assembly point (-1: someone never did)
 * @param closedAtMs     the muster incident's CLOSED
 * @param reportComplete the post-event report lists exactly the people truly inside
 */
public record MusterScore(long trueTriggerMs, Long triggerAtMs, Long openedAtMs, int listed, int expected,
                          long lastArrivalMs, Long closedAtMs, boolean reportComplete) {

    /** From the trigger's ALARM to the muster opening. */
    public Long openDelayMs() {
        return triggerAtMs == null || openedAtMs == null ? null : openedAtMs - triggerAtMs;
    }

    /** From the last person's true arrival to the muster closing. */
    public Long closeDelayMs() {
        return closedAtMs == null || lastArrivalMs < 0 ? null : closedAtMs - lastArrivalMs;
    }

    static MusterScore of(MusterTruth truth, List<Alert> triggers, List<Alert> rfidAlerts, long start) {
        List<Alert> muster = rfidAlerts.stream().filter(a -> a.ruleId().equals(RfidRules.MUSTER)).toList();
        Alert opened = muster.stream().filter(a -> a.phase() == Phase.ALARM).findFirst().orElse(null);
        Alert closed = muster.stream().filter(a -> a.phase() == Phase.CLOSED).findFirst().orElse(null);
        boolean complete = closed != null && closed.report() != null
                && new HashSet<>(closed.report().devices()).equals(truth.arrivals().keySet());
        return new MusterScore(truth.triggerMs(), triggers.isEmpty() ? null : triggers.get(0).eventTime() - start,
                opened == null ? null : opened.eventTime() - start, opened == null ? 0 : (int) opened.value(),
                truth.arrivals().size(), truth.lastArrivalMs(), closed == null ? null : closed.eventTime() - start,
                complete);
    }

    /**
     * The scenario's trigger sensor readings (one a second, as the simulator sends them) through the real readings
     * pipeline with {@code rules}: its ALARMs of the rules the site's evacuation plan names.
     */
    static List<Alert> triggerAlerts(RfidScenario scenario, Site site, RuleSet rules, long start) throws Exception {
        TriggerSensor sensor = scenario.trigger();
        if (sensor == null || site.evacuationPlan().isEmpty()) {
            return List.of();
        }
        List<Reading> readings = new ArrayList<>();
        for (long at = 0; at < scenario.length().toMillis(); at += 1_000) {
            readings.add(new Reading(sensor.deviceId(), site.id(), sensor.zone(), sensor.metric(), sensor.valueAt(at),
                    sensor.unit(), start + at, start + at, Protocol.MQTT));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        TypeInformation<Reading> type = TypeInformation.of(Reading.class);
        try (ReplayResultSink<Alert> sink = new ReplayResultSink<>()) {
            VigilJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                            readings.toArray(Reading[]::new)), readings.size(), type),
                    EvaluationJob.followEachReading(), new DiscardingSink<>(), List.<Sink<Alert>>of(sink), rules);
            InOrderReplay.oneReader(env, VigilJob.READINGS_SOURCE);
            env.execute("vigil-evaluate-rfid-trigger");
            return sink.values().stream().filter(a -> a.phase() == Phase.ALARM
                    && site.evacuationPlan().get().triggeredBy().contains(a.ruleId())).toList();
        }
    }

    /**
     * The trigger alerts as the RFID pipeline's trigger input; null when there are none (no mustering). They are
     * available from the first instant, so the muster holds them until the readers' event time reaches them, as it
     * does live when a trigger is stamped ahead of the readers.
     */
    static DataStream<Alert> triggerStream(StreamExecutionEnvironment env, List<Alert> triggers) {
        if (triggers.isEmpty()) {
            return null;
        }
        TypeInformation<Alert> type = TypeInformation.of(Alert.class);
        return env.fromSource(new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                triggers.toArray(Alert[]::new)), triggers.size(), type), WatermarkStrategy.noWatermarks(),
                "evacuation-triggers");
    }
}

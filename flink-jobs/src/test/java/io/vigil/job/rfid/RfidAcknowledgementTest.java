package io.vigil.job.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import io.vigil.job.backtest.ReplayResultSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * An RFID incident acknowledged on the real pipeline (MiniCluster, parallelism 2): a visitor intrudes into the pump
 * room; once the ALARM is out a duty officer acknowledges it on the control stream, beside acknowledgements the
 * RFID lifecycle must ignore; the visitor then leaves and the incident closes with the acknowledgement in its report.
 */
class RfidAcknowledgementTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long T0 = RfidJobTest.T0;
    static final String INCIDENT = "rfid-intrusion:p-v9:intrusion:" + (T0 + 1500);
    static final long ACK_AT = 1_764_400_000_000L;

    @Test
    void anAcknowledgementReachesTheRfidIncidentAndOthersAreIgnored() throws Exception {
        List<TagRead> reads = new ArrayList<>();
        for (long t = 1000; t <= 40_000; t += 500) { // in the pump room from 1.5 s
            reads.add(read(3, -60, t));
        }
        for (long t = 40_500; t <= 45_000; t += 500) { // then in the street: recovered at 41 s
            reads.add(read(2, -40, t));
        }
        List<ControlMessage> control = List.of(
                ControlMessage.of(new Acknowledgement("rfid-intrusion:p-v1:intrusion:" + T0, "duty-2", ACK_AT, null,
                        "test")), // an RFID incident that never was
                ControlMessage.of(new Acknowledgement("fire:smoke-1:smoke:" + T0, "duty-3", ACK_AT, null, "test")),
                new ControlMessage(ControlMessage.Type.ACK, null, null),
                ControlMessage.of(new Acknowledgement(INCIDENT, "duty-1", ACK_AT, "on my way", "mqtt vigil/ack/x")));

        ReplayResultSink<Alert> alerts = new ReplayResultSink<>();
        ReplayResultSink<AuditEvent> audit = new ReplayResultSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<TagRead> readType = TypeInformation.of(TagRead.class);
        TypeInformation<ControlMessage> controlType = TypeInformation.of(ControlMessage.class);
        // the acknowledgements wait for the ALARM; the reads (paced to last seconds) pause from the ALARM until the
        // acknowledgement has been applied, so the visitor cannot leave before it
        HeldWhile.Condition alarmOut = () -> alerts.values().stream().anyMatch(a -> a.phase() == Phase.ALARM);
        HeldWhile.Condition acknowledged = () -> alerts.values().stream().anyMatch(a -> a.acknowledgedBy() != null);
        RfidJob.build(env,
                new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(readType, reads.toArray(TagRead[]::new)),
                        reads.size(), new HeldWhile<>(10, () -> alarmOut.holds() && !acknowledged.holds()), readType),
                RfidJob.watermarks(Duration.ofSeconds(1), Duration.ofSeconds(30)), new ReplayResultSink<>(),
                List.<Sink<Alert>>of(alerts), RfidJobTest.SITE,
                PresenceSettings.defaults().withDepartAfter(Duration.ofSeconds(5)), Duration.ofSeconds(2), null, null,
                new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(controlType,
                        control.toArray(ControlMessage[]::new)), control.size(),
                        new HeldWhile<>(100, () -> !alarmOut.holds()), controlType),
                List.<Sink<AuditEvent>>of(audit));
        env.execute("rfid-ack-test");

        assertThat(alerts.values()).extracting(Alert::incidentId, Alert::phase, Alert::acknowledgedBy,
                a -> a.eventTime() - T0).containsExactly(
                tuple(INCIDENT, Phase.ALARM, null, 1500L),
                tuple(INCIDENT, Phase.ALARM, "duty-1", 1500L), // re-published with who took it on
                tuple(INCIDENT, Phase.RECOVERING, "duty-1", 41_000L),
                tuple(INCIDENT, Phase.CLOSED, "duty-1", 41_000L));
        Alert closed = alerts.values().get(3);
        assertThat(closed.report()).extracting(r -> r.acknowledgedBy(), r -> r.acknowledgedAt())
                .containsExactly("duty-1", ACK_AT);
        assertThat(audit.values()).containsExactly(
                new AuditEvent("ACKNOWLEDGED", INCIDENT, "duty-1", ACK_AT, "mqtt vigil/ack/x", "on my way"));
    }

    private static TagRead read(int antenna, double rssi, long t) {
        return new TagRead("r", antenna, "p-v9", rssi, 1, T0 + t, T0 + t, Protocol.MQTT, TagFormat.VIGIL, "visitors");
    }
}

package io.vigil.job.rfid;

import static io.vigil.job.rfid.WarningSite.SITE;
import static io.vigil.job.rfid.WarningSite.arrived;
import static io.vigil.job.rfid.WarningSite.moved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.job.detect.IncidentInput;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Signal;
import java.time.Duration;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Acknowledgements routed as {@link RfidJob} routes them (RFID incident ids only, keyed by the incident's series)
 * into the RFID lifecycle: the open intrusion is acknowledged, audited and reported; others change nothing.
 */
class RfidAcknowledgementLifecycleTest {
    private static final String INCIDENT = "rfid-intrusion:p-v1:intrusion:2000";
    private final OneInputStreamOperatorTestHarness<PresenceEvent, Signal> h;
    private final RfidLifecycle chain;

    RfidAcknowledgementLifecycleTest() throws Exception {
        h = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new PresenceWarnings(SITE)));
        h.open();
        chain = new RfidLifecycle(h, Duration.ofSeconds(10));
    }

    private void feed(PresenceEvent e) throws Exception {
        h.processElement(e, e.eventTime());
    }

    private void acknowledge(String incident, String by, long at) throws Exception {
        Acknowledgement ack = new Acknowledgement(incident, by, at, "on my way", "http 127.0.0.1:5000");
        if (RfidRules.owns(ack.incidentId())) {
            chain.lifecycle.processElement(new StreamRecord<>(IncidentInput.of(ack)));
        }
    }

    @Test
    void anOpenRfidIncidentIsAcknowledgedOnceAndTheReportNamesTheOfficer() throws Exception {
        feed(moved("p-v1", "visitors", "street", "pump-room", 2000));
        chain.watermark(2000);
        acknowledge("rfid-intrusion:p-v2:intrusion:2000", "duty-2", 9000); // no such incident
        acknowledge("river-level-high:gauge-1:water_level:2000", "duty-3", 9000); // the readings' own
        acknowledge(INCIDENT, "duty-1", 10_000);
        acknowledge(INCIDENT, "duty-4", 11_000); // a second acknowledgement keeps the first
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::acknowledgedBy).containsExactly(
                tuple(Phase.ALARM, null), tuple(Phase.ALARM, "duty-1"));
        assertThat(chain.lifecycle.getSideOutput(IncidentLifecycle.AUDIT)).extracting(StreamRecord::getValue)
                .containsExactly(new AuditEvent("ACKNOWLEDGED", INCIDENT, "duty-1", 10_000, "http 127.0.0.1:5000",
                        "on my way"));
        assertThat(chain.lifecycleStateEntries()).as("only the open incident").isEqualTo(1);

        feed(moved("p-v1", "visitors", "pump-room", "street", 5000));
        chain.watermark(5000);
        Alert closed = chain.alerts().get(chain.alerts().size() - 1);
        assertThat(closed.phase()).isEqualTo(Phase.CLOSED);
        assertThat(closed.report()).extracting(r -> r.acknowledgedBy(), r -> r.acknowledgedAt())
                .containsExactly("duty-1", 10_000L);
        assertThat(chain.lifecycleStateEntries()).isZero();
    }

    @Test
    void onlyIncidentIdsOfRfidRulesAreRoutedToTheRfidLifecycle() {
        assertThat(RfidRules.owns(INCIDENT)).isTrue();
        assertThat(RfidRules.owns("rfid-muster:harbour-plaza:muster:1")).isTrue();
        assertThat(RfidRules.owns("river-level-high:gauge-1:water_level:1")).isFalse();
        assertThat(RfidRules.owns("rfid-intrusion")).isFalse();
        assertThat(RfidRules.owns("rfid-intrusionx:a:b:1")).isFalse();
        assertThat(RfidRules.owns(null)).isFalse();
    }
}

package io.vigil.job.rfid;

import static io.vigil.job.rfid.WarningSite.SITE;
import static io.vigil.job.rfid.WarningSite.arrived;
import static io.vigil.job.rfid.WarningSite.departed;
import static io.vigil.job.rfid.WarningSite.moved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import java.time.Duration;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Intrusion and hazardous material: stateless detectors, the incident lives in the lifecycle. */
class PresenceWarningsTest {
    private final OneInputStreamOperatorTestHarness<PresenceEvent, Signal> h;
    private final RfidLifecycle chain;

    PresenceWarningsTest() throws Exception {
        h = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new PresenceWarnings(SITE)));
        h.open();
        chain = new RfidLifecycle(h, Duration.ofSeconds(10));
    }

    private void feed(PresenceEvent e) throws Exception {
        h.processElement(e, e.eventTime());
    }

    @Test
    void aVisitorInARestrictedZoneAlarmsAtOnceAndTheIncidentClosesWhenTheyLeave() throws Exception {
        feed(arrived("p-v1", "visitors", "street", 1000));
        feed(moved("p-v1", "visitors", "street", "pump-room", 2000));
        chain.watermark(2000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::subject, Alert::zone, Alert::eventTime)
                .containsExactly(tuple(Phase.ALARM, "p-v1", "pump-room", 2000L));
        assertThat(chain.alerts().get(0).description())
                .isEqualTo("Tag p-v1 of group visitors in restricted zone pump-room (ALARM)");
        assertThat(chain.lifecycleStateEntries()).as("the open incident").isEqualTo(1);

        feed(moved("p-v1", "visitors", "pump-room", "street", 5000));
        chain.watermark(5000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.ALARM, 2000L), tuple(Phase.RECOVERING, 5000L), tuple(Phase.CLOSED, 5000L));
        assertThat(chain.alerts()).extracting(Alert::incidentId).containsOnly("rfid-intrusion:p-v1:intrusion:2000");
        assertThat(chain.alerts().get(2).report().durationMs()).isEqualTo(3000L);
        assertThat(chain.lifecycleStateEntries()).as("nothing kept after CLOSED").isZero();
        assertThat(chain.lifecycle.numEventTimeTimers()).isZero();
    }

    @Test
    void anUnknownTagInARestrictedZoneAlarmsUntilItDeparts() throws Exception {
        feed(arrived("p-0f3a", null, "pump-room", 1000));
        feed(departed("p-0f3a", null, "pump-room", 31_000));
        chain.watermark(31_000);
        assertThat(chain.signals()).extracting(Signal::level, Signal::unit).containsExactly(
                tuple(Level.ALARM, "unknown"), tuple(Level.NORMAL, "unknown"));
        assertThat(chain.alerts()).extracting(Alert::phase).containsExactly(
                Phase.ALARM, Phase.RECOVERING, Phase.CLOSED);
    }

    @Test
    void allowedStaffAndUnrestrictedZonesRaiseNothing() throws Exception {
        feed(arrived("p-s1", "staff", "pump-room", 1000));
        feed(moved("p-v2", "visitors", "street", "plaza", 1000));
        feed(departed("p-v2", "visitors", "plaza", 2000));
        chain.watermark(2000);
        assertThat(chain.signals()).as("staff may enter; the plaza is not restricted").isEmpty();
        assertThat(chain.alerts()).isEmpty();
        assertThat(chain.lifecycleStateEntries()).as("quiet series are not kept").isZero();
    }

    @Test
    void hazardousMaterialOutsideItsHomeZoneAlarmsUntilReadAtHomeAgain() throws Exception {
        feed(arrived("HAZ-1", "hazmat", "lab", 1000));
        feed(moved("HAZ-1", "hazmat", "lab", "street", 5000));
        feed(departed("HAZ-1", "hazmat", "street", 35_000)); // gone from the street: still not home
        chain.watermark(35_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::zone).containsExactly(
                tuple(Phase.ALARM, "street"));
        assertThat(chain.alerts().get(0).summary()).isEqualTo("Hazardous material HAZ-1 outside lab");

        feed(arrived("HAZ-1", "hazmat", "lab", 60_000));
        chain.watermark(60_000);
        assertThat(chain.alerts()).extracting(Alert::phase).containsExactly(
                Phase.ALARM, Phase.RECOVERING, Phase.CLOSED);
        assertThat(chain.alerts()).extracting(Alert::incidentId).containsOnly("rfid-hazmat-outside:HAZ-1:hazmat:5000");
        assertThat(chain.lifecycleStateEntries()).isZero();
    }
}

package io.vigil.job.rfid;

import static io.vigil.job.rfid.WarningSite.SITE;
import static io.vigil.job.rfid.WarningSite.arrived;
import static io.vigil.job.rfid.WarningSite.departed;
import static io.vigil.job.rfid.WarningSite.moved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Signal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A fire ALARM evacuates plaza, lab and pump-room; people muster at "muster". */
class MusteringTest {
    private final KeyedTwoInputStreamOperatorTestHarness<String, PresenceEvent, Alert, Signal> h;
    private final RfidLifecycle chain;

    MusteringTest() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new Mustering(SITE), e -> "test", a -> "test",
                Types.STRING);
        chain = new RfidLifecycle(h, Duration.ofSeconds(10));
    }

    private void feed(PresenceEvent e) throws Exception {
        h.processElement1(e, e.eventTime());
    }

    private void trigger(String rule, String incident, Phase phase, long t) throws Exception {
        Alert a = new Alert(incident, rule, "smoke-3", "harbour", "plaza", "smoke", phase, "critical", 1, 1, t, t,
                "Fire", "", null, null, null, 0, null);
        h.processElement2(a, t);
    }

    @Test
    void theListOfPeopleStillInsideShrinksLiveAndTheMusterClosesWhenAllAreOut() throws Exception {
        feed(arrived("p-s1", "staff", "plaza", 1000));
        feed(arrived("p-v1", "visitors", "lab", 1000));
        feed(arrived("p-v2", "visitors", "street", 1000)); // street is not evacuated
        feed(arrived("ASSET-1", "assets", "plaza", 1000)); // not a person
        feed(arrived("p-s2", "staff", "muster", 1000));
        trigger("river-level-high", "river-level-high:g:level:0", Phase.ALARM, 2000); // not an evacuation rule
        trigger("fire", "fire:smoke-3:smoke:1500", Phase.PRE_WARNING, 1500);         // not yet an ALARM
        trigger("fire", "fire:smoke-3:smoke:1500", Phase.ALARM, 3000);
        chain.watermark(3000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::value).containsExactly(tuple(Phase.ALARM, 2.0));
        Alert start = chain.alerts().get(0);
        assertThat(start.incidentId()).isEqualTo("rfid-muster:test:muster:3000");
        assertThat(start.zone()).isEqualTo("lab,plaza,pump-room");
        assertThat(start.description())
                .isEqualTo("Evacuation of lab,plaza,pump-room: not yet read at an assembly point: p-s1, p-v1 (ALARM)");

        feed(moved("p-s1", "staff", "plaza", "muster", 5000));
        feed(departed("p-v1", "visitors", "lab", 6000)); // unread somewhere: still missing
        feed(arrived("p-s3", "staff", "pump-room", 7000)); // went in during the evacuation: missing too
        chain.watermark(7000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::value, Alert::eventTime).containsExactly(
                tuple(Phase.ALARM, 2.0, 3000L), tuple(Phase.ALARM, 1.0, 5000L), tuple(Phase.ALARM, 2.0, 7000L));
        assertThat(chain.signals()).extracting(Signal::members).containsExactly(
                List.of("p-s1", "p-v1"), List.of("p-v1"), List.of("p-s3", "p-v1"));
        trigger("fire", "fire:smoke-3:smoke:1500", Phase.ALARM, 7000); // re-published (acknowledged): no new muster

        feed(arrived("p-v1", "visitors", "muster", 9000));
        feed(moved("p-s3", "staff", "pump-room", "muster", 9000));
        chain.watermark(9000);
        List<Alert> alerts = chain.alerts();
        // both arrivals at 9 s are one instant for the lifecycle: straight to an empty list
        assertThat(alerts).extracting(Alert::phase).containsExactly(Phase.ALARM, Phase.ALARM, Phase.ALARM,
                Phase.RECOVERING, Phase.CLOSED);
        assertThat(alerts).extracting(Alert::incidentId).containsOnly("rfid-muster:test:muster:3000");
        assertThat(alerts.get(4).report().devices()).as("everyone who was missing")
                .containsExactly("p-s1", "p-v1", "p-s3");
        assertThat(alerts.get(4).report().durationMs()).isEqualTo(6000L);
        assertThat(h.numEventTimeTimers()).as("only the forget timer").isEqualTo(1);

        chain.watermark(3000 + IncidentLifecycle.DEFAULT_FORGET_AFTER.toMillis());
        assertThat(h.numKeyedStateEntries()).as("whereabouts of the people still present only").isEqualTo(1);
    }

    @Test
    void anEvacuationWithNobodyInsideOpensNoIncident() throws Exception {
        feed(arrived("p-v2", "visitors", "street", 1000));
        trigger("fire", "fire:x:smoke:0", Phase.ALARM, 2000);
        chain.watermark(2001);
        assertThat(chain.alerts()).as("nobody to account for: nothing to page about").isEmpty();

        feed(moved("p-v2", "visitors", "street", "plaza", 3000)); // walks into an evacuated zone afterwards
        chain.watermark(3000);
        assertThat(chain.alerts()).as("the evacuation's muster was done; the same trigger does not restart it")
                .isEmpty();
    }

    @Test
    void aTriggerTheReadersHavePassedStartsAtOnceWithWhoWasReadUpToNow() throws Exception {
        feed(arrived("p-s1", "staff", "plaza", 1000));
        chain.watermark(10_000);
        trigger("fire", "fire:x:smoke:0", Phase.ALARM, 500); // stamped by another clock, behind the readers
        chain.forward();
        assertThat(chain.signals()).extracting(Signal::level, Signal::members).containsExactly(
                tuple(io.vigil.job.detect.Level.ALARM, List.of("p-s1")));
    }
}

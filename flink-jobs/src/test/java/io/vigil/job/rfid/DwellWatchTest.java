package io.vigil.job.rfid;

import static io.vigil.job.rfid.WarningSite.SITE;
import static io.vigil.job.rfid.WarningSite.arrived;
import static io.vigil.job.rfid.WarningSite.departed;
import static io.vigil.job.rfid.WarningSite.moved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.detect.Signal;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The lab allows 10 s: pre-warning at 8 s, ALARM at 10 s. */
class DwellWatchTest {
    private final KeyedOneInputStreamOperatorTestHarness<String, PresenceEvent, Signal> h;
    private final RfidLifecycle chain;

    DwellWatchTest() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new DwellWatch(SITE), PresenceEvent::tagId,
                Types.STRING);
        chain = new RfidLifecycle(h, Duration.ofSeconds(10));
    }

    private void feed(PresenceEvent e) throws Exception {
        h.processElement(e, e.eventTime());
    }

    @Test
    void aLongStayPreWarnsThenAlarmsAndClosesWhenThePersonLeaves() throws Exception {
        feed(moved("p-s1", "staff", "street", "lab", 1000));
        assertThat(h.numEventTimeTimers()).as("the event waits for the watermark").isEqualTo(1);
        chain.watermark(1000);
        assertThat(h.numEventTimeTimers()).as("warn at 9 s, alarm at 11 s").isEqualTo(2);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        chain.watermark(9000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::value, Alert::limit).containsExactly(
                tuple(Phase.PRE_WARNING, 8.0, 10.0));
        chain.watermark(11_000);
        assertThat(chain.alerts()).extracting(Alert::phase).containsExactly(Phase.PRE_WARNING, Phase.ALARM);
        assertThat(chain.alerts().get(1).description()).isEqualTo("Person p-s1 in lab for 10.0 s of 10.0 s allowed (ALARM)");
        assertThat(h.numEventTimeTimers()).isZero();

        feed(departed("p-s1", "staff", "lab", 20_000));
        chain.watermark(20_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.PRE_WARNING, 9000L), tuple(Phase.ALARM, 11_000L), tuple(Phase.RECOVERING, 20_000L),
                tuple(Phase.CLOSED, 20_000L));
        assertThat(chain.alerts().get(3).report().leadTimeMs()).as("pre-warned 2 s ahead").isEqualTo(2000L);
        assertThat(h.numKeyedStateEntries()).as("nothing kept once they left").isZero();
        assertThat(chain.lifecycleStateEntries()).isZero();
    }

    @Test
    void aShortVisitRaisesNothingAndLeavesNoTimers() throws Exception {
        feed(arrived("p-v1", "visitors", "lab", 1000));
        feed(moved("p-v1", "visitors", "lab", "street", 5000));
        chain.watermark(5000);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isZero();
        chain.watermark(60_000);
        assertThat(chain.alerts()).isEmpty();
    }

    @Test
    void assetsAreNotPeopleAndOtherZonesHaveNoLimit() throws Exception {
        feed(arrived("HAZ-1", "hazmat", "lab", 1000));
        feed(arrived("p-s2", "staff", "plaza", 1000));
        chain.watermark(60_000);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(chain.signals()).isEmpty();
    }

    @Test
    void anUnknownTagCountsAsAPersonAndAReEntryStartsTheClockAgain() throws Exception {
        feed(arrived("p-77", null, "lab", 1000));
        feed(moved("p-77", null, "lab", "street", 8000)); // left before the warning
        feed(moved("p-77", null, "street", "lab", 8500));
        chain.watermark(16_499);
        assertThat(chain.alerts()).as("the first stay's clock was stopped").isEmpty();
        chain.watermark(16_500);
        assertThat(chain.alerts()).as("8 s after re-entry").extracting(Alert::phase, Alert::eventTime)
                .containsExactly(tuple(Phase.PRE_WARNING, 16_500L));
    }
}

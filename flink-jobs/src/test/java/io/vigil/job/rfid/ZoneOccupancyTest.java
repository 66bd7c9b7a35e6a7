package io.vigil.job.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Plaza of {@link PresenceTrackerTest#SITE}: capacity 3, pre-warning at 0.8 × 3 → 3 people. */
class ZoneOccupancyTest {
    static KeyedOneInputStreamOperatorTestHarness<String, OccupancyChange, Alert> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ZoneOccupancy(PresenceTrackerTest.SITE, Duration.ofSeconds(10)), OccupancyChange::zone,
                Types.STRING);
    }

    static void change(KeyedOneInputStreamOperatorTestHarness<String, OccupancyChange, Alert> h, String tag,
                       boolean in, long t) throws Exception {
        h.processElement(new OccupancyChange("test", "plaza", tag, in, t), t);
    }

    @Test
    void crowdGoesThroughEveryPhaseAsOneIncident() throws Exception {
        var h = harness();
        change(h, "a", true, 1000);
        change(h, "b", true, 2000);
        change(h, "a", true, 2500); // the same tag twice counts once
        change(h, "c", true, 3000); // 3 = warn level
        change(h, "d", true, 4000); // 4 > capacity
        change(h, "d", false, 5000);
        change(h, "c", false, 6000); // below warn level: close timer
        h.processWatermark(15_999);
        change(h, "x", false, 7000); // behind the watermark: late, ignored
        h.processWatermark(16_000);

        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::value, Alert::eventTime).containsExactly(
                tuple(Phase.PRE_WARNING, 3.0, 3000L),
                tuple(Phase.ALARM, 4.0, 4000L),
                tuple(Phase.RECOVERING, 3.0, 5000L),
                tuple(Phase.CLOSED, 2.0, 16_000L));
        assertThat(h.extractOutputValues()).extracting(Alert::incidentId)
                .containsOnly("rfid-zone-occupancy:plaza:3000");
        assertThat(h.extractOutputValues().get(1).description()).isEqualTo("4 present, capacity 3 (ALARM)");
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void risingAgainWhileRecoveringCancelsTheClose() throws Exception {
        var h = harness();
        for (String t : new String[] {"a", "b", "c", "d"}) {
            change(h, t, true, 1000);
        }
        change(h, "d", false, 2000);
        change(h, "c", false, 3000);
        change(h, "c", true, 4000);
        change(h, "d", true, 4500);
        h.processWatermark(30_000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase).containsExactly(
                Phase.PRE_WARNING, Phase.ALARM, Phase.RECOVERING, Phase.ALARM);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void zonesWithoutCapacityRaiseNothingAndEmptyZonesKeepNoState() throws Exception {
        var h = harness();
        h.processElement(new OccupancyChange("test", "street", "a", true, 1000), 1000);
        h.processElement(new OccupancyChange("test", "street", "a", false, 2000), 2000);
        h.processWatermark(2000);
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    @Test
    void theSameChangesInAnotherArrivalOrderGiveTheSameAlerts() throws Exception {
        // each presence subtask delivers its own tags in order, but subtasks interleave as load has it
        List<OccupancyChange> inTimeOrder = List.of(
                plaza("a", true, 1000), plaza("b", true, 2000), plaza("c", true, 3000), plaza("d", true, 4000),
                plaza("e", true, 5000),
                plaza("d", false, 7000), plaza("f", true, 7000), // one leaves as another arrives: never 6
                plaza("b", false, 9000), plaza("c", false, 9000),
                plaza("a", false, 11_000));
        List<OccupancyChange> otherOrder = new ArrayList<>(inTimeOrder);
        // newest first within each 2 s: out of order by less than the watermark bound below
        otherOrder.sort(Comparator.comparingLong((OccupancyChange c) -> c.eventTime() / 2000)
                .thenComparing(Comparator.comparingLong(OccupancyChange::eventTime).reversed())
                .thenComparing(OccupancyChange::entered, Comparator.reverseOrder()));
        assertThat(otherOrder).isNotEqualTo(inTimeOrder);

        List<Alert> first = run(inTimeOrder);
        assertThat(first).extracting(Alert::phase, Alert::value, Alert::eventTime).containsExactly(
                tuple(Phase.PRE_WARNING, 3.0, 3000L),
                tuple(Phase.ALARM, 4.0, 4000L),
                tuple(Phase.RECOVERING, 3.0, 9000L),
                tuple(Phase.CLOSED, 2.0, 21_000L));
        assertThat(run(otherOrder)).isEqualTo(first);
    }

    private static OccupancyChange plaza(String tag, boolean in, long t) {
        return new OccupancyChange("test", "plaza", tag, in, t);
    }

    /** Feeds changes with a watermark two seconds behind the latest one, then ends the input. */
    private static List<Alert> run(List<OccupancyChange> changes) throws Exception {
        var h = harness();
        long max = Long.MIN_VALUE;
        for (OccupancyChange c : changes) {
            h.processElement(c, c.eventTime());
            max = Math.max(max, c.eventTime());
            h.processWatermark(max - 2001);
        }
        h.processWatermark(Long.MAX_VALUE);
        assertThat(h.numEventTimeTimers()).as("nothing left pending").isZero();
        return h.extractOutputValues();
    }
}

package io.vigil.job.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Plaza of {@link PresenceTrackerTest#SITE}: capacity 3, pre-warning at 0.8 × 3 → 3 people, no forecast. */
class ZoneOccupancyTest {
    static final Duration CLOSE_AFTER = Duration.ofSeconds(10);

    static KeyedOneInputStreamOperatorTestHarness<String, OccupancyChange, Signal> harness(
            io.vigil.common.rfid.Site site) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ZoneOccupancy(site, CLOSE_AFTER),
                OccupancyChange::zone, Types.STRING);
    }

    static void change(KeyedOneInputStreamOperatorTestHarness<String, OccupancyChange, Signal> h, String tag,
                       boolean in, long t) throws Exception {
        h.processElement(new OccupancyChange("test", "plaza", tag, in, t), t);
    }

    @Test
    void crowdGoesThroughEveryPhaseAsOneIncident() throws Exception {
        var h = harness(PresenceTrackerTest.SITE);
        var chain = new RfidLifecycle(h, CLOSE_AFTER);
        change(h, "a", true, 1000);
        change(h, "b", true, 2000);
        change(h, "a", true, 2500); // the same tag twice counts once
        change(h, "c", true, 3000); // 3 = warn level
        change(h, "d", true, 4000); // 4 > capacity
        change(h, "d", false, 5000);
        change(h, "c", false, 6000); // below the warn level: a closing signal is due at 16 s
        chain.watermark(6000);
        assertThat(h.numEventTimeTimers()).as("the close timer").isEqualTo(1);
        assertThat(h.numKeyedStateEntries()).as("who is present, zone state").isEqualTo(2);
        chain.watermark(15_999);
        change(h, "x", false, 7000); // behind the watermark: late, ignored
        chain.watermark(16_000);

        assertThat(chain.signals()).extracting(Signal::level, Signal::value, Signal::limit, Signal::eventTime)
                .containsExactly(
                        tuple(Level.NORMAL, 1.0, 3.0, 1000L),
                        tuple(Level.NORMAL, 2.0, 3.0, 2000L),
                        tuple(Level.NORMAL, 2.0, 3.0, 2500L),
                        tuple(Level.WARN, 3.0, 3.0, 3000L),
                        tuple(Level.ALARM, 4.0, 3.0, 4000L),
                        tuple(Level.WARN, 3.0, 3.0, 5000L),
                        tuple(Level.NORMAL, 2.0, 3.0, 6000L),
                        tuple(Level.NORMAL, 2.0, 3.0, 16_000L));
        List<Alert> alerts = chain.alerts();
        assertThat(alerts).extracting(Alert::phase, Alert::value, Alert::eventTime).containsExactly(
                tuple(Phase.PRE_WARNING, 3.0, 3000L),
                tuple(Phase.ALARM, 4.0, 4000L),
                tuple(Phase.RECOVERING, 2.0, 6000L),
                tuple(Phase.CLOSED, 2.0, 16_000L));
        assertThat(alerts).extracting(Alert::incidentId).containsOnly("rfid-zone-occupancy:plaza:occupancy:3000");
        assertThat(alerts.get(1).description()).isEqualTo("4.0 present in plaza, ALARM at 3.0");
        assertThat(alerts.get(3).report().peakValue()).isEqualTo(4.0);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void risingAgainWhileRecoveringCancelsTheClose() throws Exception {
        var h = harness(PresenceTrackerTest.SITE);
        var chain = new RfidLifecycle(h, CLOSE_AFTER);
        for (String t : new String[] {"a", "b", "c", "d"}) {
            change(h, t, true, 1000);
        }
        change(h, "d", false, 2000);
        change(h, "c", false, 3000);
        chain.watermark(3000);
        assertThat(h.numEventTimeTimers()).as("close due at 13 s").isEqualTo(1);
        change(h, "c", true, 4000);
        change(h, "d", true, 4500);
        chain.watermark(30_000);
        assertThat(chain.alerts()).extracting(Alert::phase).containsExactly(
                Phase.ALARM, Phase.RECOVERING, Phase.ALARM);
        assertThat(h.numEventTimeTimers()).as("the close was cancelled").isZero();
    }

    @Test
    void aRisingTrendPreWarnsBeforeTheWarningLevelWithAnEta() throws Exception {
        // capacity 10, warning at 8, horizon 60 s: one person every 10 s reaches 10 at 100 s
        var h = harness(WarningSite.SITE);
        var chain = new RfidLifecycle(h, CLOSE_AFTER);
        for (int i = 1; i <= 4; i++) {
            change(h, "p-" + i, true, i * 10_000L);
        }
        chain.watermark(40_000);
        assertThat(chain.signals()).extracting(Signal::level).containsExactly(
                Level.NORMAL, Level.NORMAL, Level.NORMAL, Level.WARN);
        assertThat(chain.signals().get(3).eta()).isEqualTo(100_000L);
        assertThat(h.numKeyedStateEntries()).as("who is present, count samples, zone state").isEqualTo(3);
        Alert pre = chain.alerts().get(0);
        assertThat(pre.phase()).isEqualTo(Phase.PRE_WARNING);
        assertThat(pre.value()).isEqualTo(4.0);
        assertThat(pre.eta()).isEqualTo(100_000L);

        // everyone leaves: the forecast is withdrawn and the pre-warning closes; the trend is kept for a horizon
        for (int i = 1; i <= 4; i++) {
            change(h, "p-" + i, false, 41_000);
        }
        chain.watermark(41_000);
        assertThat(chain.alerts()).extracting(Alert::phase).containsExactly(Phase.PRE_WARNING, Phase.CLOSED);
        chain.watermark(200_000);
        assertThat(h.numKeyedStateEntries()).as("an empty zone is forgotten").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aForecastLeftByASuddenlyEmptiedZoneIsWithdrawnWithItsTrend() throws Exception {
        var h = harness(WarningSite.SITE);
        var chain = new RfidLifecycle(h, CLOSE_AFTER);
        for (int i = 1; i <= 4; i++) {
            change(h, "p-" + i, true, i * 1000L);
        }
        for (int i = 1; i <= 4; i++) {
            change(h, "p-" + i, false, 5000); // the robust slope still rises: one sample in five is an outlier
        }
        chain.watermark(64_999);
        assertThat(chain.alerts()).extracting(Alert::phase).containsExactly(Phase.PRE_WARNING);
        assertThat(h.numEventTimeTimers()).as("the trend is forgotten one horizon after the zone emptied")
                .isEqualTo(1);
        chain.watermark(65_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.PRE_WARNING, 4000L), tuple(Phase.CLOSED, 65_000L));
        chain.watermark(200_000);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void zonesWithoutCapacityKeepNoState() throws Exception {
        var h = harness(PresenceTrackerTest.SITE);
        h.processElement(new OccupancyChange("test", "street", "a", true, 1000), 1000);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.processWatermark(2000);
        assertThat(h.extractOutputValues()).isEmpty();
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
                tuple(Phase.RECOVERING, 2.0, 11_000L), // at 9 s still 3: the warning level holds the ALARM
                tuple(Phase.CLOSED, 2.0, 21_000L));
        assertThat(run(otherOrder)).isEqualTo(first);
    }

    private static OccupancyChange plaza(String tag, boolean in, long t) {
        return new OccupancyChange("test", "plaza", tag, in, t);
    }

    /** Feeds changes with a watermark two seconds behind the latest one, then ends the input. */
    private static List<Alert> run(List<OccupancyChange> changes) throws Exception {
        var h = harness(PresenceTrackerTest.SITE);
        var chain = new RfidLifecycle(h, CLOSE_AFTER);
        long max = Long.MIN_VALUE;
        for (OccupancyChange c : changes) {
            h.processElement(c, c.eventTime());
            max = Math.max(max, c.eventTime());
            chain.watermark(max - 2001);
        }
        chain.watermark(Long.MAX_VALUE);
        assertThat(h.numEventTimeTimers()).as("nothing left pending").isZero();
        return chain.alerts();
    }
}

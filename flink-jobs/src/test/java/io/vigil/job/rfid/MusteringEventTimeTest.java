package io.vigil.job.rfid;

import static io.vigil.job.rfid.WarningSite.SITE;
import static io.vigil.job.rfid.WarningSite.arrived;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.detect.Signal;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The muster joins the readers' presence events with evacuation triggers, alerts of the readings pipeline whose
 * time is not the readers'. How the triggers input shows its event time decides what happens when the readers go
 * quiet: with an end-of-time watermark (the wiring before) the operator's event time jumps to the end and the open
 * muster is forgotten; idle (EventTime.wallClockInput, the wiring now) it waits for the readers.
 */
class MusteringEventTimeTest {
    private final KeyedTwoInputStreamOperatorTestHarness<String, PresenceEvent, Alert, Signal> h =
            ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new Mustering(SITE), e -> "test", a -> "test",
                    Types.STRING);

    MusteringEventTimeTest() throws Exception {}

    private void openMuster() throws Exception {
        h.processElement1(arrived("p-s1", "staff", "plaza", 1000), 1000);
        h.processElement2(new Alert("fire:smoke-3:smoke:3000", "fire", "smoke-3", "harbour", "plaza", "smoke",
                Phase.ALARM, "critical", 1, 1, 3000, 3000, "Fire", "", null, null, null, 0, null), 3000);
    }

    @Test
    void anEndOfTimeWatermarkOnTheTriggersForgetsAnOpenMusterAsSoonAsTheReadersGoQuiet() throws Exception {
        openMuster();
        h.processWatermark2(new Watermark(Long.MAX_VALUE)); // the wiring before: triggers never hold time back
        h.processWatermark1(new Watermark(3000));
        int open = h.numKeyedStateEntries();
        assertThat(h.numEventTimeTimers()).as("the open muster's forget timer").isPositive();

        h.processWatermarkStatus1(WatermarkStatus.IDLE); // the readers go quiet for the idleness timeout
        assertThat(h.numEventTimeTimers()).as("event time jumped to the end: every timer fired").isZero();
        assertThat(h.numKeyedStateEntries()).as("the open muster and its missing list are forgotten; only the"
                + " whereabouts of people remain").isLessThan(open);
    }

    @Test
    void idleTriggersKeepAnOpenMusterWhileTheReadersAreQuiet() throws Exception {
        openMuster();
        h.processWatermarkStatus2(WatermarkStatus.IDLE); // the wiring now: EventTime.wallClockInput()
        h.processWatermark1(new Watermark(3000));
        int open = h.numKeyedStateEntries();
        assertThat(h.numEventTimeTimers()).as("the open muster's forget timer").isPositive();

        h.processWatermarkStatus1(WatermarkStatus.IDLE);
        assertThat(h.numKeyedStateEntries()).as("still open: nobody's time moved").isEqualTo(open);
        assertThat(h.numEventTimeTimers()).as("its timers wait").isPositive();
    }
}

package io.vigil.job.rfid;

import static io.vigil.job.rfid.WarningSite.SITE;
import static io.vigil.job.rfid.WarningSite.arrived;
import static io.vigil.job.rfid.WarningSite.departed;
import static io.vigil.job.rfid.WarningSite.expected;
import static io.vigil.job.rfid.WarningSite.moved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Signal;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Assets belong in the store and are missing after 30 s away. */
class MissingAssetWatchTest {
    private final KeyedOneInputStreamOperatorTestHarness<String, PresenceEvent, Signal> h;
    private final RfidLifecycle chain;

    MissingAssetWatchTest() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new MissingAssetWatch(SITE), PresenceEvent::tagId,
                Types.STRING);
        chain = new RfidLifecycle(h, Duration.ofSeconds(10));
    }

    private void feed(PresenceEvent e) throws Exception {
        h.processElement(e, e.eventTime());
    }

    @Test
    void anAssetAwayFromHomeTooLongAlarmsAndClosesWhenItIsBack() throws Exception {
        feed(arrived("ASSET-7", "assets", "store", 1000));
        chain.watermark(1000);
        assertThat(h.numKeyedStateEntries()).as("at home: nothing to watch").isZero();
        feed(moved("ASSET-7", "assets", "store", "street", 10_000));
        feed(departed("ASSET-7", "assets", "street", 20_000)); // the clock keeps running from 10 s
        chain.watermark(20_000);
        assertThat(h.numEventTimeTimers()).as("missing at 40 s").isEqualTo(1);
        chain.watermark(39_999);
        assertThat(chain.alerts()).isEmpty();
        chain.watermark(40_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::subject, Alert::zone, Alert::value)
                .containsExactly(tuple(Phase.ALARM, "ASSET-7", "store", 30.0));
        assertThat(chain.alerts().get(0).summary()).isEqualTo("Asset ASSET-7 missing from store");
        assertThat(h.numEventTimeTimers()).as("the forget timer").isEqualTo(1);

        feed(arrived("ASSET-7", "assets", "store", 50_000));
        chain.watermark(50_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.ALARM, 40_000L), tuple(Phase.RECOVERING, 50_000L), tuple(Phase.CLOSED, 50_000L));
        assertThat(chain.alerts()).extracting(Alert::incidentId)
                .containsOnly("rfid-missing-asset:ASSET-7:missing:40000");
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aReturnSentOnEarlyByAFasterPresenceSubtaskWaitsForTheMissingTimerBeforeIt() throws Exception {
        feed(moved("ASSET-7", "assets", "store", "street", 10_000));
        chain.watermark(10_000);
        feed(arrived("ASSET-7", "assets", "store", 50_000)); // the other subtasks still hold the watermark back
        assertThat(h.numKeyedStateEntries()).as("the absence and the buffered return").isEqualTo(2);
        chain.watermark(50_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.ALARM, 40_000L), tuple(Phase.RECOVERING, 50_000L), tuple(Phase.CLOSED, 50_000L));
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    @Test
    void aShortTripRaisesNothing() throws Exception {
        feed(moved("ASSET-7", "assets", "store", "street", 10_000));
        feed(moved("ASSET-7", "assets", "street", "store", 30_000));
        chain.watermark(100_000);
        assertThat(chain.signals()).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void anAssetFirstReadElsewhereIsWatchedAndOneNeverBackIsForgotten() throws Exception {
        feed(arrived("ASSET-9", "assets", "plaza", 0));
        feed(arrived("p-s1", "staff", "plaza", 0)); // people are never missing assets
        chain.watermark(30_000);
        assertThat(chain.alerts()).extracting(Alert::subject).containsExactly("ASSET-9");
        long forget = 30_000 + IncidentLifecycle.DEFAULT_FORGET_AFTER.toMillis();
        chain.watermark(forget);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aDeclaredAssetNeverReadIsMissingOnceTheSiteClockHasRunForMissingAfter() throws Exception {
        feed(expected("TOOL-1", "tools", "store", 5000));
        chain.watermark(5000);
        assertThat(h.numEventTimeTimers()).as("missing at 35 s").isEqualTo(1);
        chain.watermark(34_999);
        assertThat(chain.alerts()).isEmpty();
        chain.watermark(35_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::subject, Alert::zone, Alert::value, Alert::incidentId)
                .containsExactly(tuple(Phase.ALARM, "TOOL-1", "store", 30.0, "rfid-missing-asset:TOOL-1:missing:35000"));

        feed(arrived("TOOL-1", "tools", "store", 60_000)); // found at last
        chain.watermark(60_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::eventTime).containsExactly(
                tuple(Phase.ALARM, 35_000L), tuple(Phase.RECOVERING, 60_000L), tuple(Phase.CLOSED, 60_000L));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aDeclaredAssetReadAtHomeInTheSameInstantTheClockStartsIsNotMissing() throws Exception {
        // the asset's own arrival may be the site's first transition, and may reach the watch before the clock
        feed(arrived("TOOL-2", "tools", "store", 5000));
        feed(expected("TOOL-2", "tools", "store", 5000));
        chain.watermark(100_000);
        assertThat(chain.signals()).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aDeclaredAssetFirstReadElsewhereCountsFromTheSiteClockNotFromTheRead() throws Exception {
        feed(expected("TOOL-1", "tools", "store", 5000));
        feed(arrived("TOOL-1", "tools", "street", 20_000));
        chain.watermark(35_000);
        assertThat(chain.alerts()).extracting(Alert::phase, Alert::eventTime, Alert::value)
                .containsExactly(tuple(Phase.ALARM, 35_000L, 30.0));
    }
}

package io.vigil.job.rfid;

import static io.vigil.job.rfid.WarningSite.SITE;
import static io.vigil.job.rfid.WarningSite.arrived;
import static io.vigil.job.rfid.WarningSite.departed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.rfid.SiteLoader;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The warning site declares TOOL-1 and TOOL-2 by id (ASSET-5 too, but the assets' prefix claims it first). */
class ExpectedAssetsTest {
    private final KeyedOneInputStreamOperatorTestHarness<String, PresenceEvent, PresenceEvent> h;

    ExpectedAssetsTest() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ExpectedAssets(SITE), e -> "test", Types.STRING);
    }

    private void feed(PresenceEvent e) throws Exception {
        h.processElement(e, e.eventTime());
    }

    @Test
    void theEarliestTransitionOnceTheWatermarkPassesItStartsEveryDeclaredAssetsClockOnce() throws Exception {
        feed(arrived("p-v1", "visitors", "plaza", 7000));
        feed(arrived("p-v2", "visitors", "street", 4000)); // out of order: earlier, from a presence subtask behind
        assertThat(h.numEventTimeTimers()).as("one timer, at the earliest so far").isEqualTo(1);
        h.processWatermark(3999);
        assertThat(h.extractOutputValues()).isEmpty();

        h.processWatermark(4000);
        assertThat(h.getOutput()).filteredOn(StreamRecord.class::isInstance)
                .extracting(o -> ((StreamRecord<?>) o).getTimestamp()).containsOnly(4000L);
        assertThat(h.extractOutputValues()).extracting(PresenceEvent::tagId, PresenceEvent::group, PresenceEvent::kind,
                PresenceEvent::zone, PresenceEvent::eventTime).containsExactly(
                tuple("TOOL-1", "tools", PresenceKind.EXPECTED, "store", 4000L),
                tuple("TOOL-2", "tools", PresenceKind.EXPECTED, "store", 4000L));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).as("only the started flag").isEqualTo(1);

        feed(departed("p-v2", "visitors", "street", 9000));
        h.processWatermark(100_000);
        assertThat(h.extractOutputValues()).as("once per job").hasSize(2);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void aSiteDeclaringNoAssetByIdNeedsNoClock() {
        assertThat(ExpectedAssets.any(SITE)).isTrue();
        assertThat(ExpectedAssets.any(SiteLoader.parse("""
                site: prefixes-only
                readers: [{reader: r, antenna: 1, zone: store}]
                zones: [{id: store}]
                groups:
                  - {id: assets, personal: false, prefixes: ["ASSET-"], home_zone: store, missing_after: 2m}
                  - {id: hazmat, personal: false, tags: ["HAZ-1"], home_zone: store, hazardous: true}
                """, "prefixes-only.yaml"))).isFalse();
    }
}

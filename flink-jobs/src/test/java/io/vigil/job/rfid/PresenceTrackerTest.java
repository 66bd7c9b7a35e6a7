package io.vigil.job.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Protocol;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class PresenceTrackerTest {
    static final Site SITE = SiteLoader.parse("""
            site: test
            readers:
              - {reader: gate, antenna: 1, zone: plaza}
              - {reader: gate, antenna: 2, zone: street}
            zones:
              - {id: plaza, capacity: 3}
              - {id: street}
            groups:
              - {id: staff, prefixes: ["p-"]}
            """, "site.yaml");

    static KeyedOneInputStreamOperatorTestHarness<String, TagRead, PresenceEvent> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new PresenceTracker(SITE, PresenceSettings.defaults()), TagRead::tagId, Types.STRING);
    }

    static TagRead read(String tag, int antenna, double rssi, long time) {
        return new TagRead("gate", antenna, tag, rssi, 1, time, time, Protocol.MQTT, TagFormat.VIGIL, "staff");
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, TagRead, PresenceEvent> h, TagRead r)
            throws Exception {
        h.processElement(r, r.eventTime());
    }

    @Test
    void oneReadIsNotPresenceTwoAreArrival() throws Exception {
        var h = harness();
        feed(h, read("p-a", 1, -50, 1000));
        h.processWatermark(1000);
        assertThat(h.extractOutputValues()).isEmpty();
        feed(h, read("p-a", 1, -50, 1200));
        feed(h, read("p-a", 1, -51, 1300)); // duplicates: no second ARRIVED
        assertThat(h.extractOutputValues()).as("nothing before the watermark passes").isEmpty();
        h.processWatermark(1300);
        assertThat(h.extractOutputValues()).extracting(PresenceEvent::kind, PresenceEvent::zone,
                PresenceEvent::eventTime, PresenceEvent::group).containsExactly(
                tuple(PresenceKind.ARRIVED, "plaza", 1200L, "staff"));
    }

    @Test
    void crossReadsFromTheNeighbouringAntennaDoNotMoveTheTag() throws Exception {
        var h = harness();
        for (long t = 0; t < 3000; t += 200) {
            feed(h, read("p-a", 1, -50, t));
            if (t % 600 == 0) {
                feed(h, read("p-a", 2, -68, t + 50)); // weak cross-read next door
            }
        }
        h.processWatermark(3000);
        assertThat(h.extractOutputValues()).extracting(PresenceEvent::kind).containsExactly(PresenceKind.ARRIVED);
    }

    @Test
    void movesWhenTheOtherZoneIsClearlyStronger() throws Exception {
        var h = harness();
        feed(h, read("p-a", 1, -50, 0));
        feed(h, read("p-a", 1, -50, 100));
        feed(h, read("p-a", 2, -40, 500));
        feed(h, read("p-a", 1, -55, 550));
        feed(h, read("p-a", 2, -38, 600));
        h.processWatermark(600);
        assertThat(h.extractOutputValues()).extracting(PresenceEvent::kind, PresenceEvent::zone,
                PresenceEvent::fromZone).containsExactly(
                tuple(PresenceKind.ARRIVED, "plaza", null),
                tuple(PresenceKind.MOVED, "street", "plaza"));
    }

    @Test
    void movesWhenTheOldZoneFellSilent() throws Exception {
        var h = harness();
        feed(h, read("p-a", 1, -50, 0));
        feed(h, read("p-a", 1, -50, 100));
        feed(h, read("p-a", 2, -70, 5000)); // weaker, but plaza has not read the tag for 5 s
        feed(h, read("p-a", 2, -70, 5100));
        h.processWatermark(5100);
        assertThat(h.extractOutputValues()).extracting(PresenceEvent::kind).containsExactly(
                PresenceKind.ARRIVED, PresenceKind.MOVED);
    }

    @Test
    void departsWhenTheWatermarkPassesTheSilenceAndClearsState() throws Exception {
        var h = harness();
        feed(h, read("p-a", 1, -50, 1000));
        feed(h, read("p-a", 1, -50, 2000));
        h.processWatermark(2000);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(31_999);
        assertThat(h.extractOutputValues()).hasSize(1);
        h.processWatermark(32_000);
        // stamped with the instant of the decision, so the zone downstream never sees it behind the watermark
        assertThat(h.extractOutputValues()).extracting(PresenceEvent::kind, PresenceEvent::zone,
                PresenceEvent::eventTime).last().isEqualTo(tuple(PresenceKind.DEPARTED, "plaza", 32_000L));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aLaterReadPostponesDepartureAndOutOfOrderReadsWithinTheWindowCount() throws Exception {
        var h = harness();
        feed(h, read("p-a", 1, -50, 2000));
        feed(h, read("p-a", 1, -50, 1500)); // out of order, within the window: completes the arrival
        feed(h, read("p-a", 1, -50, 20_000));
        h.processWatermark(40_000);
        assertThat(h.extractOutputValues()).extracting(PresenceEvent::kind).containsExactly(PresenceKind.ARRIVED);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void readsFromUnmappedAntennasAndTooLateReadsAreIgnored() throws Exception {
        var h = harness();
        feed(h, read("p-a", 9, -50, 1000));
        feed(h, read("p-a", 9, -50, 1100));
        assertThat(h.numKeyedStateEntries()).isZero();
        feed(h, read("p-a", 1, -50, 10_000));
        h.processWatermark(10_500);
        feed(h, read("p-a", 1, -50, 10_400)); // behind the watermark: would complete an arrival if it counted
        h.processWatermark(20_000);
        assertThat(h.extractOutputValues()).isEmpty();
    }

    @Test
    void theSameReadsInAnotherArrivalOrderGiveTheSameTransitions() throws Exception {
        List<TagRead> inTimeOrder = new ArrayList<>();
        for (long t = 0; t < 4000; t += 250) {
            inTimeOrder.add(read("p-a", 1, t < 2000 ? -50 : -70, t));
            inTimeOrder.add(read("p-a", 2, t < 2000 ? -70 : -40, t)); // same instant, other antenna
        }
        List<TagRead> shuffled = new ArrayList<>(inTimeOrder);
        // reversed within each second: out of order by up to 1 s, the watermark bound below
        shuffled.sort(Comparator.comparingLong((TagRead r) -> r.eventTime() / 1000)
                .thenComparing(Comparator.comparingLong(TagRead::eventTime).reversed())
                .thenComparing(TagRead::antenna, Comparator.reverseOrder()));

        List<PresenceEvent> first = run(inTimeOrder);
        assertThat(first).extracting(PresenceEvent::kind, PresenceEvent::zone).containsExactly(
                tuple(PresenceKind.ARRIVED, "plaza"), tuple(PresenceKind.MOVED, "street"),
                tuple(PresenceKind.DEPARTED, "street"));
        assertThat(run(shuffled)).isEqualTo(first);
    }

    /** Feeds reads with a watermark one second behind the latest read, as the job's watermark strategy does. */
    private static List<PresenceEvent> run(List<TagRead> reads) throws Exception {
        var h = harness();
        long max = Long.MIN_VALUE;
        for (TagRead r : reads) {
            feed(h, r);
            max = Math.max(max, r.eventTime());
            h.processWatermark(max - 1001);
        }
        h.processWatermark(Long.MAX_VALUE);
        return h.extractOutputValues();
    }
}

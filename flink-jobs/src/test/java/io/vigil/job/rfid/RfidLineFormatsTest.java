package io.vigil.job.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RfidLineFormatsTest {
    static final long T = 1_764_300_000_000L;

    @Test
    void occupancyIsCountAndCapacityPerZone() {
        assertThat(RfidLineFormats.occupancy().line(new ZoneCount("harbour-plaza", "plaza", 16, 20, T)))
                .isEqualTo("occupancy,site=harbour-plaza,zone=plaza capacity=20i,count=16i " + T);
    }

    @Test
    void presenceKeysEachTagSoSimultaneousArrivalsDoNotOverwriteEachOther() {
        LineFormatsCheck a = new LineFormatsCheck(RfidLineFormats.presence().line(
                new PresenceEvent("s", "p-00aa", "visitors", PresenceKind.ARRIVED, "plaza", null, T)));
        LineFormatsCheck b = new LineFormatsCheck(RfidLineFormats.presence().line(
                new PresenceEvent("s", "p-00bb", "visitors", PresenceKind.ARRIVED, "plaza", null, T)));
        assertThat(a.line).isEqualTo("presence,group=visitors,kind=ARRIVED,site=s,tag=p-00aa,zone=plaza change=1i " + T);
        assertThat(a.seriesKey()).isNotEqualTo(b.seriesKey());
        assertThat(RfidLineFormats.presence().line(
                new PresenceEvent("s", "ASSET-1", null, PresenceKind.MOVED, "lab", "store", T)))
                .isEqualTo("presence,group=unknown,kind=MOVED,site=s,tag=ASSET-1,zone=lab change=1i,from_zone=\"store\" " + T);
        assertThat(RfidLineFormats.presence().line(
                new PresenceEvent("s", "p-1", "staff", PresenceKind.DEPARTED, "lab", null, T))).contains("change=-1i");
    }

    @Test
    void readRatesPerReaderAntennaAndInterval() {
        assertThat(RfidLineFormats.tagReads().line(new ReadRate("plaza gate", 2, null, T, 10_000, 40, 50)))
                .isEqualTo("tag_reads,antenna=2,reader=plaza\\ gate,zone=unmapped per_second=5.0,reads=50i,reports=40i " + T);
    }

    private record LineFormatsCheck(String line) {
        String seriesKey() {
            return line.substring(0, line.indexOf(' '));
        }
    }
}

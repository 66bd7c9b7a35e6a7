package io.vigil.sim.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadGeneratorTest {
    static final Site SITE = SiteLoader.load(Path.of("..", "config", "site.yaml"));
    static final long START = 1_764_300_000_000L;

    static List<SimRead> all(RfidScenario scenario, ReadNoise noise) {
        ReadGenerator g = new ReadGenerator(scenario, SITE, noise, 1000);
        List<SimRead> out = new ArrayList<>();
        for (int r = 0; r < g.rounds(); r++) {
            out.addAll(g.round(r, START));
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameReadsAndAnotherSeedOthers() {
        List<SimRead> a = all(RfidScenario.crowd(7, SITE), ReadNoise.defaults());
        assertThat(all(RfidScenario.crowd(7, SITE), ReadNoise.defaults())).isEqualTo(a);
        assertThat(all(RfidScenario.crowd(8, SITE), ReadNoise.defaults())).isNotEqualTo(a);
    }

    @Test
    void withoutNoiseEveryAntennaOfTheTrueZoneReadsEachTagOnceARound() {
        RfidScenario crowd = RfidScenario.crowd(42, SITE);
        ReadGenerator g = new ReadGenerator(crowd, SITE, ReadNoise.none(), 1000);
        int round = 60; // 60 s: the plaza is full, the background is in place
        List<SimRead> reads = g.round(round, START);
        // plaza has two antennas of plaza-gate, every other zone one
        long plazaTags = crowd.tags().stream().filter(t -> "plaza".equals(t.zoneAt(round * 1000L + 500))).count();
        assertThat(plazaTags).isGreaterThan(20);
        assertThat(reads).filteredOn(r -> r.reader().equals("plaza-gate") && r.antenna() <= 2)
                .hasSize((int) plazaTags * 2);
        assertThat(reads).filteredOn(r -> r.reader().equals("pump-house")).extracting(SimRead::tagId)
                .containsExactlyInAnyOrder("STAFF-0001", "STAFF-0002");
        assertThat(reads).allMatch(r -> r.eventTime() >= START + round * 1000L && r.eventTime() < START + (round + 1) * 1000L);
        assertThat(reads).allMatch(r -> r.rssiDbm() == -52.0);
    }

    @Test
    void noiseMissesDuplicatesAndCrossReadsFromTheNeighbouringAntennaWeaker() {
        RfidScenario crowd = RfidScenario.crowd(42, SITE);
        List<SimRead> ideal = all(crowd, ReadNoise.none());
        List<SimRead> noisy = all(crowd, ReadNoise.defaults());

        // plaza-gate's street antenna 3 hangs beside its plaza antennas 1 and 2; store's antennas cover store and lab
        List<SimRead> cross = noisy.stream().filter(r -> !zoneOf(r).equals(trueZone(crowd, r))).toList();
        assertThat(cross).extracting(SimRead::reader).contains("plaza-gate", "store").doesNotContain("pump-house");
        assertThat(cross).allMatch(r -> SITE.readPoints().entrySet().stream().anyMatch(e ->
                e.getKey().startsWith(r.reader() + "#") && e.getValue().equals(trueZone(crowd, r))));
        assertThat(cross).allMatch(r -> r.rssiDbm() <= -52 + 4 - 18 + 0.05);
        List<SimRead> own = noisy.stream().filter(r -> zoneOf(r).equals(trueZone(crowd, r))).toList();
        long distinct = own.stream().map(r -> r.reader() + r.antenna() + r.tagId() + (r.eventTime() - START) / 1000)
                .distinct().count();
        double kept = (double) distinct / ideal.size();
        double duplicated = (double) (own.size() - distinct) / distinct;
        assertThat(kept).isBetween(0.75, 0.85);       // missRate 0.2
        assertThat(duplicated).isBetween(0.25, 0.35); // duplicateRate 0.3
        double crossShare = (double) cross.size() / distinct;
        assertThat(crossShare).isBetween(0.03, 0.2);  // 0.15 per neighbour, only where a reader has one
    }

    @Test
    void crowdTruthPlacesTheSituationsWhereTheCountCrossesTheSiteLevels() {
        RfidScenario crowd = RfidScenario.crowd(42, SITE);
        Situation warn = crowd.situations().get(0);
        Situation alarm = crowd.situations().get(1);
        assertThat(warn.kind()).isEqualTo("occupancy-pre-warning");
        // plaza: capacity 20, warn_at 0.75 → 15
        assertThat(crowd.occupancy("plaza", warn.startMs())).isEqualTo(15);
        assertThat(crowd.occupancy("plaza", warn.startMs() - 1)).isEqualTo(14);
        assertThat(crowd.occupancy("plaza", alarm.startMs())).isEqualTo(21);
        assertThat(alarm.startMs()).isBetween(45_000L, 47_000L);
        assertThat(crowd.occupancyOverTime(1000).get("plaza")).hasSize(120).contains(25).startsWith(0).endsWith(0);
    }

    @Test
    void otherScenariosHaveTheirSituation() {
        RfidScenario intrusion = RfidScenario.named("intrusion", 42, SITE);
        Situation s = intrusion.situations().get(0);
        assertThat(intrusion.tags().stream().filter(t -> t.id().equals(s.subject())).findFirst().orElseThrow()
                .zoneAt(s.startMs())).isEqualTo("pump-room");
        RfidScenario missing = RfidScenario.named("missing-asset", 42, SITE);
        assertThat(missing.occupancy("store", missing.situations().get(0).startMs())).isEqualTo(2);
        RfidScenario evacuation = RfidScenario.named("evacuation", 42, SITE);
        long end = evacuation.length().toMillis() - 1;
        assertThat(evacuation.occupancy("assembly-a", end)).isEqualTo(16); // 14 visitors + 2 staff, the last at 100 s
        assertThat(evacuation.occupancy("plaza", end)).isZero();
    }

    @Test
    void theHazmatTagLeavesTheLabForTheStoreAndComesBackWhileAStaffMemberOverstaysInTheLab() {
        RfidScenario hazmat = RfidScenario.named("hazmat", 42, SITE);
        Situation outside = hazmat.situations().get(0);
        SimTag haz = tag(hazmat, "HAZ-0001");
        assertThat(outside.subject()).isEqualTo("HAZ-0001");
        assertThat(haz.zoneAt(outside.startMs() - 1)).isNull(); // on its way: out of every reader's reach
        assertThat(haz.zoneAt(outside.startMs())).isEqualTo("store").isEqualTo(outside.zone());
        assertThat(haz.zoneAt(hazmat.length().toMillis() - 1)).isEqualTo("lab");

        RfidScenario dwell = RfidScenario.named("dwell", 42, SITE);
        Situation over = dwell.situations().get(0);
        SimTag staff = tag(dwell, over.subject());
        long entered = staff.entersAt("lab");
        assertThat(over.startMs() - entered).isEqualTo(SITE.zones().get("lab").maxDwell().toMillis());
        assertThat(staff.zoneAt(over.startMs())).isEqualTo("lab");
        assertThat(staff.zoneAt(over.startMs() + 20_000)).isEqualTo("store");
        assertThat(dwell.length().toMillis()).isGreaterThan(over.startMs() + 35_000);
    }

    @Test
    void theEvacuationsSmokeDetectorCrossesTheFireRuleBeforeAnyoneMovesAndTheTruthListsWhoMustMuster() {
        RfidScenario evacuation = RfidScenario.named("evacuation", 42, SITE);
        TriggerSensor smoke = evacuation.trigger();
        assertThat(SITE.evacuationPlan().orElseThrow().triggeredBy()).contains(smoke.rule());
        assertThat(smoke.valueAt(smoke.crossesAtMs() - 1)).isLessThan(4.0);
        assertThat(smoke.valueAt(smoke.crossesAtMs())).isGreaterThan(4.0);

        MusterTruth muster = evacuation.muster(SITE).orElseThrow();
        assertThat(muster.triggerMs()).isEqualTo(smoke.crossesAtMs());
        // 10 on the plaza, 4 in the street, 2 staff; assets and hazardous material do not muster
        assertThat(muster.arrivals()).hasSize(16).containsKeys("STAFF-0001", "STAFF-0002")
                .doesNotContainKeys("ASSET-0001", "HAZ-0001");
        for (String person : muster.arrivals().keySet()) {
            SimTag tag = evacuation.tags().stream().filter(t -> t.id().equals(person)).findFirst().orElseThrow();
            // still where they were when the smoke was detected: nobody has started moving
            assertThat(tag.zoneAt(smoke.crossesAtMs())).isEqualTo(tag.zoneAt(0));
        }
        assertThat(muster.arrivals().values()).allMatch(at -> at >= 40_000);
        assertThat(muster.lastArrivalMs()).isEqualTo(100_000);
        assertThat(RfidScenario.named("crowd", 42, SITE).muster(SITE)).isEmpty();
    }

    private static SimTag tag(RfidScenario scenario, String id) {
        return scenario.tags().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private static String zoneOf(SimRead r) {
        return SITE.zoneOf(r.reader(), r.antenna()).orElseThrow();
    }

    private static String trueZone(RfidScenario s, SimRead r) {
        SimTag tag = s.tags().stream().filter(t -> t.id().equals(r.tagId())).findFirst().orElseThrow();
        return tag.zoneAt(r.eventTime() - START);
    }
}

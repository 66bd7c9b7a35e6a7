package io.vigil.sim.rfid;

import io.vigil.common.rfid.Site;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An RFID scenario on the example site ({@code config/site.yaml}) with its ground truth: where every tag truly is
 * at every instant, and when each situation truly starts. Seeded: the same seed gives the same tags and timings.
 *
 * <p>People on the plaza and in the street wear visitor tags with EPC-style hex ids ({@code E280…}), because the
 * plaza gate reader speaks Zebra's format, which carries hex ids only. Every scenario has the same background: two
 * staff in the pump room, three assets in the store and the hazardous-material tag in the lab.
 *
 * @param trigger the sensor whose readings start the scenario's evacuation, or null when there is none
 */
public record RfidScenario(String name, long seed, Duration length, List<SimTag> tags, List<Situation> situations,
                           TriggerSensor trigger) {
    public static final List<String> NAMES = List.of("crowd", "intrusion", "missing-asset", "evacuation",
            "hazmat", "dwell");
    static final String PLAZA = "plaza";
    static final String STREET = "street";
    static final String PUMP_ROOM = "pump-room";
    static final String STORE = "store";
    static final String LAB = "lab";
    static final String ASSEMBLY = "assembly-a";
    static final String HAZMAT = "HAZ-0001";
    static final String DWELLER = "STAFF-0003";

    public static RfidScenario named(String name, long seed, Site site) {
        return switch (name) {
            case "crowd" -> crowd(seed, site);
            case "intrusion" -> intrusion(seed);
            case "missing-asset" -> missingAsset(seed);
            case "evacuation" -> evacuation(seed);
            case "hazmat" -> hazmat(seed);
            case "dwell" -> dwell(seed, site);
            default -> throw new IllegalArgumentException("unknown RFID scenario '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }

    /**
     * 25 visitors walk from the street onto the plaza (capacity 20, warning at 15), one about every 2 s from 5 s,
     * stay, and leave one a second from 80 s; a few more only pass along the street. Length 120 s.
     */
    public static RfidScenario crowd(long seed, Site site) {
        List<SimTag> tags = background(120_000);
        for (int i = 0; i < 25; i++) {
            long plazaAt = 5_000 + i * 2_000L + (long) (Seeded.uniform(seed, 1, i, 0) * 1_000);
            long leaves = 80_000 + i * 1_000L;
            tags.add(new SimTag(visitor(seed, i), "visitors", List.of(
                    new SimTag.Stay(STREET, plazaAt - 4_000, plazaAt), new SimTag.Stay(PLAZA, plazaAt, leaves))));
        }
        for (int i = 25; i < 29; i++) {
            long at = 10_000 + (i - 25) * 20_000L;
            tags.add(new SimTag(visitor(seed, i), "visitors", List.of(new SimTag.Stay(STREET, at, at + 15_000))));
        }
        Site.Zone plaza = site.zones().get(PLAZA);
        if (plaza == null || plaza.capacity() == 0) {
            throw new IllegalArgumentException("the crowd scenario needs a zone 'plaza' with a capacity in the site");
        }
        RfidScenario draft = new RfidScenario("crowd", seed, Duration.ofSeconds(120), tags, List.of(), null);
        int warnAt = (int) Math.ceil(plaza.warnShare() * plaza.capacity());
        List<Situation> situations = List.of(
                new Situation("occupancy-pre-warning", PLAZA, null, draft.firstReaching(PLAZA, warnAt)),
                new Situation("occupancy-alarm", PLAZA, null, draft.firstReaching(PLAZA, plaza.capacity() + 1)));
        return new RfidScenario("crowd", seed, draft.length(), tags, situations, null);
    }

    /** A visitor walks from the street into the restricted pump room at about 30 s and out again. Length 100 s. */
    public static RfidScenario intrusion(long seed) {
        List<SimTag> tags = background(100_000);
        long enters = 30_000 + (long) (Seeded.uniform(seed, 2, 0, 0) * 5_000);
        String intruder = visitor(seed, 0);
        tags.add(new SimTag(intruder, "visitors", List.of(new SimTag.Stay(STREET, 10_000, enters),
                new SimTag.Stay(PUMP_ROOM, enters, enters + 30_000),
                new SimTag.Stay(STREET, enters + 30_000, enters + 45_000))));
        return new RfidScenario("intrusion", seed, Duration.ofSeconds(100), tags,
                List.of(new Situation("intrusion", PUMP_ROOM, intruder, enters)), null);
    }

    /** ASSET-0002 leaves the store at about 20 s and never comes back (the site says missing after 2 min). 200 s. */
    public static RfidScenario missingAsset(long seed) {
        long length = 200_000;
        long leaves = 20_000 + (long) (Seeded.uniform(seed, 3, 0, 0) * 5_000);
        List<SimTag> tags = new ArrayList<>();
        for (SimTag t : background(length)) {
            tags.add(t.id().equals("ASSET-0002")
                    ? new SimTag(t.id(), t.group(), List.of(new SimTag.Stay(STORE, 0, leaves))) : t);
        }
        return new RfidScenario("missing-asset", seed, Duration.ofMillis(length), tags,
                List.of(new Situation("missing-asset", STORE, "ASSET-0002", leaves)), null);
    }

    /**
     * 10 visitors on the plaza, 4 in the street and the two pump-room staff. At 20 s the pump room's smoke detector
     * ({@code smoke-pump-room}) reads beyond the {@code fire} rule's limit; at 30 s everyone heads for assembly
     * point A and arrives 10–60 s later, except one plaza visitor who stays behind until 90 s and arrives last, at
     * 100 s. Length 120 s.
     */
    public static RfidScenario evacuation(long seed) {
        long length = 120_000;
        TriggerSensor smoke = TriggerSensor.smokeDetector("smoke-pump-room", PUMP_ROOM, 20_000);
        long alarm = 30_000;
        List<SimTag> tags = new ArrayList<>();
        for (SimTag t : background(length)) {
            tags.add(t.id().startsWith("STAFF-") ? evacuate(seed, t.id(), t.group(), PUMP_ROOM, 0, alarm, length) : t);
        }
        for (int i = 0; i < 14; i++) {
            String zone = i < 10 ? PLAZA : STREET;
            tags.add(i == 3
                    ? new SimTag(visitor(seed, i), "visitors", List.of(new SimTag.Stay(zone, 0, 90_000),
                            new SimTag.Stay(ASSEMBLY, 100_000, length)))
                    : evacuate(seed, visitor(seed, i), "visitors", zone, i + 10, alarm, length));
        }
        return new RfidScenario("evacuation", seed, Duration.ofMillis(length), tags,
                List.of(new Situation("evacuation", ASSEMBLY, null, smoke.crossesAtMs())), smoke);
    }

    /**
     * The hazardous-material tag HAZ-0001 is carried out of the lab at about 20 s, is left in the store from 3 s
     * later for 30 s, and is back in the lab 3 s after that until the end. The store, not the street: the plaza
     * gate's Zebra format carries hex EPCs only, which HAZ-0001 is not. Length 100 s.
     */
    public static RfidScenario hazmat(long seed) {
        long length = 100_000;
        long leaves = 20_000 + (long) (Seeded.uniform(seed, 6, 0, 0) * 5_000);
        long outside = leaves + 3_000;
        long back = outside + 33_000;
        List<SimTag> tags = new ArrayList<>();
        for (SimTag t : background(length)) {
            // between the lab and the store it is out of reach of every reader
            tags.add(t.id().equals(HAZMAT) ? new SimTag(t.id(), t.group(), List.of(new SimTag.Stay(LAB, 0, leaves),
                    new SimTag.Stay(STORE, outside, back - 3_000), new SimTag.Stay(LAB, back, length))) : t);
        }
        return new RfidScenario("hazmat", seed, Duration.ofMillis(length), tags,
                List.of(new Situation("hazmat-outside", STORE, HAZMAT, outside)), null);
    }

    /**
     * STAFF-0003 walks through the store into the hazardous lab at about 20 s, stays 20 s beyond the lab's
     * {@code max_dwell} and goes back through the store and off site; the situation starts when the maximum dwell
     * is truly exceeded. Length: the lab's maximum dwell plus 80 s, so a short test site plays it quickly.
     */
    public static RfidScenario dwell(long seed, Site site) {
        Site.Zone lab = site.zones().get(LAB);
        if (lab == null || lab.maxDwell() == null) {
            throw new IllegalArgumentException("the dwell scenario needs a zone 'lab' with a max_dwell in the site");
        }
        long max = lab.maxDwell().toMillis();
        long length = max + 80_000;
        long enters = 20_000 + (long) (Seeded.uniform(seed, 7, 0, 0) * 5_000);
        long leaves = enters + max + 20_000;
        List<SimTag> tags = background(length);
        tags.add(new SimTag(DWELLER, "staff", List.of(new SimTag.Stay(STORE, 10_000, enters),
                new SimTag.Stay(LAB, enters, leaves), new SimTag.Stay(STORE, leaves, leaves + 15_000))));
        return new RfidScenario("dwell", seed, Duration.ofMillis(length), tags,
                List.of(new Situation("dwell", LAB, DWELLER, enters + max)), null);
    }

    private static SimTag evacuate(long seed, String id, String group, String zone, int index, long alarm, long length) {
        long arrives = alarm + 10_000 + (long) (Seeded.uniform(seed, 4, index, 0) * 50_000);
        // on the way they are out of reach of every reader
        return new SimTag(id, group, List.of(new SimTag.Stay(zone, 0, alarm + 2_000),
                new SimTag.Stay(ASSEMBLY, arrives, length)));
    }

    private static List<SimTag> background(long length) {
        List<SimTag> tags = new ArrayList<>();
        tags.add(new SimTag("STAFF-0001", "staff", List.of(new SimTag.Stay(PUMP_ROOM, 0, length))));
        tags.add(new SimTag("STAFF-0002", "staff", List.of(new SimTag.Stay(PUMP_ROOM, 0, length))));
        for (int i = 1; i <= 3; i++) {
            tags.add(new SimTag("ASSET-000" + i, "assets", List.of(new SimTag.Stay(STORE, 0, length))));
        }
        tags.add(new SimTag(HAZMAT, "hazmat", List.of(new SimTag.Stay(LAB, 0, length))));
        return tags;
    }

    /** A visitor tag's EPC: {@code E280} and 8 hex digits from the seed, so other seeds give other people. */
    static String visitor(long seed, int index) {
        long bits = (long) (Seeded.uniform(seed, 5, index, 0) * 0x1_0000L);
        return "E280" + HexFormat.of().withUpperCase().toHexDigits((short) bits) + HexFormat.of().withUpperCase()
                .toHexDigits((short) index);
    }

    /**
     * Who truly had to muster when the trigger crossed its limit (people: tags of personal groups or of none, in a
     * zone the site's evacuation plan evacuates) and when each first entered an assembly point after it; empty when
     * the scenario has no trigger or the site no plan.
     */
    public Optional<MusterTruth> muster(Site site) {
        if (trigger == null || site.evacuationPlan().isEmpty()) {
            return Optional.empty();
        }
        long at = trigger.crossesAtMs();
        Site.Evacuation plan = site.evacuationPlan().get();
        Map<String, Long> arrivals = new TreeMap<>();
        for (SimTag t : tags) {
            boolean person = site.groupOf(t.id()).map(Site.TagGroup::personal).orElse(true);
            String zone = t.zoneAt(at);
            if (person && zone != null && plan.zones().contains(zone)) {
                arrivals.put(t.id(), t.stays().stream().filter(s -> s.fromMs() >= at)
                        .filter(s -> site.zones().get(s.zone()) != null && site.zones().get(s.zone()).assemblyPoint())
                        .mapToLong(SimTag.Stay::fromMs).min().orElse(-1));
            }
        }
        return Optional.of(new MusterTruth(at, arrivals));
    }

    /** How many tags are truly in {@code zone} at {@code atMs}. */
    public int occupancy(String zone, long atMs) {
        int n = 0;
        for (SimTag t : tags) {
            if (zone.equals(t.zoneAt(atMs))) {
                n++;
            }
        }
        return n;
    }

    /**
     * True occupancy of every zone that ever has someone in it, sampled every {@code stepMs} from the start up to
     * (not including) the end, where every stay ends.
     */
    public Map<String, int[]> occupancyOverTime(long stepMs) {
        Map<String, int[]> out = new TreeMap<>();
        int steps = (int) ((length.toMillis() + stepMs - 1) / stepMs);
        for (SimTag t : tags) {
            for (SimTag.Stay s : t.stays()) {
                out.computeIfAbsent(s.zone(), z -> new int[steps]);
            }
        }
        out.forEach((zone, counts) -> {
            for (int k = 0; k < steps; k++) {
                counts[k] = occupancy(zone, k * stepMs);
            }
        });
        return out;
    }

    /** The first instant (ms, on stay boundaries) at which {@code zone} truly holds at least {@code count} tags. */
    long firstReaching(String zone, int count) {
        List<Long> instants = tags.stream().flatMap(t -> t.stays().stream())
                .filter(s -> s.zone().equals(zone)).map(SimTag.Stay::fromMs).sorted().toList();
        for (long at : instants) {
            if (occupancy(zone, at) >= count) {
                return at;
            }
        }
        return -1;
    }
}

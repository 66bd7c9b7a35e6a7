package io.vigil.common.rfid;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated site file (docs/rfid.md): where each reader antenna reads, what the zones are, which tags belong
 * to which group. Immutable and serialisable, so Flink operators carry it.
 *
 * @param readPoints {@code reader#antenna} (or {@code reader#*} for every antenna) to zone id
 */
public record Site(String id, Map<String, String> readPoints, Map<String, Zone> zones, List<TagGroup> groups,
                   Evacuation evacuation) implements Serializable {

    public static final String ANY_ANTENNA = "*";

    /** A site without an evacuation plan. */
    public Site(String id, Map<String, String> readPoints, Map<String, Zone> zones, List<TagGroup> groups) {
        this(id, readPoints, zones, groups, null);
    }

    /**
     * When people must muster: an ALARM of one of the {@code triggeredBy} rules (from the readings pipeline)
     * evacuates {@code zones}; everyone last seen inside them must then be read at an assembly point.
     */
    public record Evacuation(Set<String> triggeredBy, Set<String> zones) implements Serializable {}

    /** The evacuation plan, if the site file has one. */
    public Optional<Evacuation> evacuationPlan() {
        return Optional.ofNullable(evacuation);
    }

    /**
     * @param capacity      people allowed at once; 0 = not monitored for occupancy
     * @param warnShare     share of capacity at which occupancy pre-warns
     * @param allowedGroups for a restricted zone, the groups that may enter
     * @param maxDwell      for a hazardous zone, how long a person may stay; null otherwise
     * @param horizon       occupancy pre-warns when its trend reaches capacity within this; null = no forecast
     */
    public record Zone(String id, int capacity, double warnShare, boolean restricted, Set<String> allowedGroups,
                       boolean assemblyPoint, boolean hazardous, Duration maxDwell, Duration horizon)
            implements Serializable {

        /** A zone without an occupancy forecast. */
        public Zone(String id, int capacity, double warnShare, boolean restricted, Set<String> allowedGroups,
                    boolean assemblyPoint, boolean hazardous, Duration maxDwell) {
            this(id, capacity, warnShare, restricted, allowedGroups, assemblyPoint, hazardous, maxDwell, null);
        }
    }

    /**
     * @param personal     whether its tags are worn by people: then they are pseudonymised at the gateway
     * @param homeZone     for assets and hazardous materials, the zone they belong in; null if none
     * @param missingAfter an asset not read in its home zone for this long is missing; null = not watched
     * @param hazardous    hazardous material: leaving the home zone warns
     */
    public record TagGroup(String id, boolean personal, Set<String> tags, List<String> prefixes, String homeZone,
                           Duration missingAfter, boolean hazardous) implements Serializable {
        public boolean contains(String tagId) {
            if (tags.contains(tagId)) {
                return true;
            }
            for (String prefix : prefixes) {
                if (tagId.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The zone a reader antenna covers, if the site maps it. */
    public Optional<String> zoneOf(String readerId, int antenna) {
        String zone = readPoints.get(readerId + "#" + antenna);
        return Optional.ofNullable(zone != null ? zone : readPoints.get(readerId + "#" + ANY_ANTENNA));
    }

    /** The first group (in file order) that holds the tag, if any. */
    public Optional<TagGroup> groupOf(String tagId) {
        for (TagGroup g : groups) {
            if (g.contains(tagId)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    public Optional<TagGroup> group(String id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }
}

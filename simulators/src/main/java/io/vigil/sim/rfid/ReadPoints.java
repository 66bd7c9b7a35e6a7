package io.vigil.sim.rfid;

import io.vigil.common.rfid.Site;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader antennas of a site, by zone, and which antennas are neighbours: other antennas of the same reader that
 * cover another zone (they hang a few metres apart, so each picks up tags meant for the other, weaker).
 */
final class ReadPoints {
    /** One reader antenna. A site entry for every antenna of a reader is simulated as its antenna 1. */
    record Antenna(String reader, int antenna, String zone) {}

    private final Map<String, List<Antenna>> byZone = new LinkedHashMap<>();
    private final Map<Antenna, List<Antenna>> neighbours = new LinkedHashMap<>();

    ReadPoints(Site site) {
        List<Antenna> all = new ArrayList<>();
        site.readPoints().forEach((point, zone) -> {
            int hash = point.lastIndexOf('#');
            String antenna = point.substring(hash + 1);
            all.add(new Antenna(point.substring(0, hash), antenna.equals(Site.ANY_ANTENNA) ? 1
                    : Integer.parseInt(antenna), zone));
        });
        all.sort(java.util.Comparator.comparing(Antenna::reader).thenComparingInt(Antenna::antenna));
        for (Antenna a : all) {
            byZone.computeIfAbsent(a.zone(), z -> new ArrayList<>()).add(a);
            neighbours.put(a, all.stream().filter(b -> b.reader().equals(a.reader()) && !b.zone().equals(a.zone()))
                    .toList());
        }
    }

    List<Antenna> inZone(String zone) {
        return byZone.getOrDefault(zone, List.of());
    }

    List<Antenna> neighboursOf(Antenna a) {
        return neighbours.getOrDefault(a, List.of());
    }

    List<String> readers() {
        return neighbours.keySet().stream().map(Antenna::reader).distinct().toList();
    }
}

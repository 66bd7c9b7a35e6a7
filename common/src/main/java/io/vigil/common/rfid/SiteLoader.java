package io.vigil.common.rfid;

import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.common.config.YamlNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a site file (schema in docs/rfid.md). Every problem is an {@link InvalidConfigFileException}
 * naming file, line and field; a site file is either wholly valid or not used at all.
 */
public final class SiteLoader {
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Set<String> TOP = Set.of("site", "readers", "zones", "groups", "evacuation");
    private static final Set<String> EVACUATION_FIELDS = Set.of("triggered_by", "zones");
    private static final Set<String> READER_FIELDS = Set.of("reader", "antenna", "zone");
    private static final Set<String> ZONE_FIELDS = Set.of("id", "capacity", "warn_at", "restricted", "allowed",
            "assembly_point", "hazardous", "max_dwell", "horizon");
    private static final Set<String> GROUP_FIELDS = Set.of("id", "personal", "tags", "prefixes", "home_zone",
            "missing_after", "hazardous");
    static final double DEFAULT_WARN_SHARE = 0.8;

    private SiteLoader() {}

    public static Site load(Path path) {
        return read(YamlNode.load(path, "site"));
    }

    public static Site parse(String yaml, String source) {
        return read(YamlNode.parse(yaml, source, "site"));
    }

    private static Site read(YamlNode root) {
        root.expect(YamlNode.Kind.MAP, "a mapping with 'readers', 'zones' and 'groups'").rejectUnknown(TOP);
        String siteId = root.has("site") ? id(root.field("site")) : "default";

        Map<String, Site.Zone> zones = new LinkedHashMap<>();
        List<YamlNode> zoneNodes = list(root, "zones", true);
        for (YamlNode z : zoneNodes) {
            Site.Zone zone = zone(z);
            if (zones.put(zone.id(), zone) != null) {
                throw z.field("id").fail("zone '" + zone.id() + "' is declared twice");
            }
        }
        List<Site.TagGroup> groups = new ArrayList<>();
        for (YamlNode g : list(root, "groups", false)) {
            Site.TagGroup group = group(g, zones);
            if (groups.stream().anyMatch(other -> other.id().equals(group.id()))) {
                throw g.field("id").fail("group '" + group.id() + "' is declared twice");
            }
            groups.add(group);
        }
        for (YamlNode z : zoneNodes) {
            YamlNode allowed = z.field("allowed");
            if (allowed != null) {
                for (YamlNode item : allowed.items) {
                    if (groups.stream().noneMatch(g -> g.id().equals(item.text))) {
                        throw item.fail("no group '" + item.text + "' is declared");
                    }
                }
            }
        }
        Map<String, String> readPoints = new LinkedHashMap<>();
        for (YamlNode r : list(root, "readers", true)) {
            r.expect(YamlNode.Kind.MAP, "a mapping with 'reader', 'zone' and optionally 'antenna'")
                    .rejectUnknown(READER_FIELDS);
            String reader = r.required("reader").text();
            if (!reader.matches("[^/+#\\s\\p{Cntrl}]{1,128}")) {
                throw r.field("reader").fail("a reader id may not hold / + # or whitespace");
            }
            String antenna = r.has("antenna")
                    ? String.valueOf(r.field("antenna").integer(1, TagEventFormats.MAX_ANTENNA))
                    : Site.ANY_ANTENNA;
            YamlNode zoneNode = r.required("zone");
            String zone = zoneNode.text();
            if (!zones.containsKey(zone)) {
                throw zoneNode.fail("no zone '" + zone + "' is declared");
            }
            if (readPoints.put(reader + "#" + antenna, zone) != null) {
                throw r.fail("reader '" + reader + "' antenna " + antenna + " is mapped twice");
            }
        }
        Site.Evacuation evacuation = root.has("evacuation") ? evacuation(root.field("evacuation"), zones) : null;
        return new Site(siteId, Map.copyOf(readPoints), java.util.Collections.unmodifiableMap(zones), List.copyOf(groups),
                evacuation);
    }

    private static Site.Evacuation evacuation(YamlNode e, Map<String, Site.Zone> zones) {
        e.expect(YamlNode.Kind.MAP, "a mapping with 'triggered_by' and optionally 'zones'")
                .rejectUnknown(EVACUATION_FIELDS);
        YamlNode triggers = e.required("triggered_by");
        List<String> rules = triggers.strings("a list of rule ids");
        if (rules.isEmpty()) {
            throw triggers.fail("name at least one rule whose ALARM evacuates");
        }
        if (zones.values().stream().noneMatch(Site.Zone::assemblyPoint)) {
            throw e.fail("an evacuation needs a zone with 'assembly_point: true' to muster at");
        }
        Set<String> evacuated = new LinkedHashSet<>();
        if (e.has("zones")) {
            for (YamlNode item : e.field("zones").expect(YamlNode.Kind.LIST, "a list of zone ids").items) {
                Site.Zone zone = zones.get(item.text());
                if (zone == null) {
                    throw item.fail("no zone '" + item.text + "' is declared");
                }
                if (zone.assemblyPoint()) {
                    throw item.fail("an assembly point is where people muster, not a zone to evacuate");
                }
                evacuated.add(zone.id());
            }
        } else {
            // no list: the whole site is evacuated
            zones.values().stream().filter(z -> !z.assemblyPoint()).forEach(z -> evacuated.add(z.id()));
        }
        return new Site.Evacuation(Set.copyOf(new LinkedHashSet<>(rules)), Set.copyOf(evacuated));
    }

    private static Site.Zone zone(YamlNode z) {
        z.expect(YamlNode.Kind.MAP, "a zone mapping with an 'id'").rejectUnknown(ZONE_FIELDS);
        String id = id(z.required("id"));
        int capacity = z.has("capacity") ? z.field("capacity").integer(0, 1_000_000) : 0;
        double warn = DEFAULT_WARN_SHARE;
        if (z.has("warn_at")) {
            YamlNode w = z.field("warn_at");
            if (!w.isNumber() || Double.parseDouble(w.text) <= 0 || Double.parseDouble(w.text) > 1) {
                throw w.fail("expected a share of capacity in (0, 1], got " + w.describe());
            }
            if (capacity == 0) {
                throw w.fail("needs a 'capacity'");
            }
            warn = Double.parseDouble(w.text);
        }
        boolean restricted = z.bool("restricted", false);
        Set<String> allowed = new LinkedHashSet<>();
        if (z.has("allowed")) {
            if (!restricted) {
                throw z.field("allowed").fail("only a restricted zone has allowed groups");
            }
            for (YamlNode item : z.field("allowed").expect(YamlNode.Kind.LIST, "a list of group ids").items) {
                allowed.add(id(item));
            }
        }
        boolean hazardous = z.bool("hazardous", false);
        Duration maxDwell = null;
        if (z.has("max_dwell")) {
            if (!hazardous) {
                throw z.field("max_dwell").fail("only a hazardous zone has a maximum dwell");
            }
            maxDwell = z.field("max_dwell").positiveDuration();
        }
        Duration horizon = null;
        if (z.has("horizon")) {
            if (capacity == 0) {
                throw z.field("horizon").fail("needs a 'capacity' to forecast");
            }
            horizon = z.field("horizon").positiveDuration();
        }
        return new Site.Zone(id, capacity, warn, restricted, Set.copyOf(allowed), z.bool("assembly_point", false),
                hazardous, maxDwell, horizon);
    }

    private static Site.TagGroup group(YamlNode g, Map<String, Site.Zone> zones) {
        g.expect(YamlNode.Kind.MAP, "a group mapping with an 'id'").rejectUnknown(GROUP_FIELDS);
        String id = id(g.required("id"));
        // privacy by default: a group is personal unless the file says otherwise
        boolean personal = g.bool("personal", true);
        Set<String> tags = new LinkedHashSet<>(g.optionalStrings("tags", "a list of tag ids"));
        List<String> prefixes = g.optionalStrings("prefixes", "a list of tag id prefixes");
        if (tags.isEmpty() && prefixes.isEmpty()) {
            throw g.fail("group '" + id + "' needs 'tags' or 'prefixes'");
        }
        String home = null;
        if (g.has("home_zone")) {
            YamlNode h = g.field("home_zone");
            home = h.text();
            if (!zones.containsKey(home)) {
                throw h.fail("no zone '" + home + "' is declared");
            }
            if (personal) {
                throw h.fail("people have no home zone; set 'personal: false' for assets");
            }
        }
        Duration missingAfter = null;
        if (g.has("missing_after")) {
            if (home == null) {
                throw g.field("missing_after").fail("needs a 'home_zone'");
            }
            missingAfter = g.field("missing_after").positiveDuration();
        }
        boolean hazardous = g.bool("hazardous", false);
        if (hazardous && home == null) {
            throw g.field("hazardous").fail("hazardous material needs a 'home_zone'");
        }
        return new Site.TagGroup(id, personal, Set.copyOf(tags), List.copyOf(prefixes), home, missingAfter, hazardous);
    }

    private static List<YamlNode> list(YamlNode root, String name, boolean required) {
        YamlNode node = root.field(name);
        if (node == null) {
            if (required) {
                throw root.fail(name, "missing: the file must contain a '" + name + "' list");
            }
            return List.of();
        }
        return node.expect(YamlNode.Kind.LIST, "a list").items;
    }

    private static String id(YamlNode node) {
        String s = node.text();
        if (!ID.matcher(s).matches()) {
            throw node.fail("expected an id of lower-case letters, digits and '-', got " + node.describe());
        }
        return s;
    }
}

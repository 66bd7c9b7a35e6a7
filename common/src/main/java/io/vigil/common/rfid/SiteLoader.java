package io.vigil.common.rfid;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.common.config.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a site file (schema in docs/rfid.md). Every problem is an {@link InvalidSiteException} naming
 * file, line and field; a site file is either wholly valid or not used at all.
 */
public final class SiteLoader {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Set<String> TOP = Set.of("site", "readers", "zones", "groups", "evacuation");
    private static final Set<String> EVACUATION_FIELDS = Set.of("triggered_by", "zones");
    private static final Set<String> READER_FIELDS = Set.of("reader", "antenna", "zone");
    private static final Set<String> ZONE_FIELDS = Set.of("id", "capacity", "warn_at", "restricted", "allowed",
            "assembly_point", "hazardous", "max_dwell", "horizon");
    private static final Set<String> GROUP_FIELDS = Set.of("id", "personal", "tags", "prefixes", "home_zone",
            "missing_after", "hazardous");
    static final double DEFAULT_WARN_SHARE = 0.8;

    private final String file;

    private SiteLoader(String file) {
        this.file = file;
    }

    public static Site load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSiteException(path.toString(), 0, "(file)", "cannot read: " + e);
        }
        return parse(text, path.toString());
    }

    public static Site parse(String yaml, String source) {
        return new SiteLoader(source).parse(yaml);
    }

    private Site parse(String yaml) {
        YamlNode root;
        try (JsonParser p = YAML.createParser(yaml)) {
            if (p.nextToken() == null) {
                throw new InvalidSiteException(file, 1, "site", "the file is empty");
            }
            root = YamlNode.read(p, "", file, 0, InvalidSiteException::new);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InvalidSiteException(file, line, "(syntax)", e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidSiteException(file, 0, "(file)", e.toString());
        }
        expect(root, YamlNode.Kind.MAP, "a mapping with 'readers', 'zones' and 'groups'");
        rejectUnknown(root, TOP);
        String siteId = root.fields.containsKey("site") ? id(root.fields.get("site")) : "default";

        Map<String, Site.Zone> zones = new LinkedHashMap<>();
        List<YamlNode> zoneNodes = list(root, "zones", true);
        for (YamlNode z : zoneNodes) {
            Site.Zone zone = zone(z);
            if (zones.put(zone.id(), zone) != null) {
                throw fail(z.fields.get("id"), "zone '" + zone.id() + "' is declared twice");
            }
        }
        List<Site.TagGroup> groups = new ArrayList<>();
        for (YamlNode g : list(root, "groups", false)) {
            Site.TagGroup group = group(g, zones);
            if (groups.stream().anyMatch(other -> other.id().equals(group.id()))) {
                throw fail(g.fields.get("id"), "group '" + group.id() + "' is declared twice");
            }
            groups.add(group);
        }
        for (YamlNode z : zoneNodes) {
            YamlNode allowed = z.fields.get("allowed");
            if (allowed != null) {
                for (YamlNode item : allowed.items) {
                    if (groups.stream().noneMatch(g -> g.id().equals(item.text))) {
                        throw fail(item, "no group '" + item.text + "' is declared");
                    }
                }
            }
        }
        Map<String, String> readPoints = new LinkedHashMap<>();
        for (YamlNode r : list(root, "readers", true)) {
            expect(r, YamlNode.Kind.MAP, "a mapping with 'reader', 'zone' and optionally 'antenna'");
            rejectUnknown(r, READER_FIELDS);
            String reader = text(required(r, "reader"));
            if (!reader.matches("[^/+#\\s\\p{Cntrl}]{1,128}")) {
                throw fail(r.fields.get("reader"), "a reader id may not hold / + # or whitespace");
            }
            String antenna = r.fields.containsKey("antenna")
                    ? String.valueOf(integer(r.fields.get("antenna"), 1, TagEventFormats.MAX_ANTENNA))
                    : Site.ANY_ANTENNA;
            YamlNode zoneNode = required(r, "zone");
            String zone = text(zoneNode);
            if (!zones.containsKey(zone)) {
                throw fail(zoneNode, "no zone '" + zone + "' is declared");
            }
            if (readPoints.put(reader + "#" + antenna, zone) != null) {
                throw fail(r, "reader '" + reader + "' antenna " + antenna + " is mapped twice");
            }
        }
        Site.Evacuation evacuation = root.fields.containsKey("evacuation")
                ? evacuation(root.fields.get("evacuation"), zones) : null;
        return new Site(siteId, Map.copyOf(readPoints), java.util.Collections.unmodifiableMap(zones), List.copyOf(groups),
                evacuation);
    }

    private Site.Evacuation evacuation(YamlNode e, Map<String, Site.Zone> zones) {
        expect(e, YamlNode.Kind.MAP, "a mapping with 'triggered_by' and optionally 'zones'");
        rejectUnknown(e, EVACUATION_FIELDS);
        YamlNode triggers = required(e, "triggered_by");
        List<String> rules = strings(e, "triggered_by");
        if (rules.isEmpty()) {
            throw fail(triggers, "name at least one rule whose ALARM evacuates");
        }
        if (zones.values().stream().noneMatch(Site.Zone::assemblyPoint)) {
            throw fail(e, "an evacuation needs a zone with 'assembly_point: true' to muster at");
        }
        Set<String> evacuated = new LinkedHashSet<>();
        if (e.fields.containsKey("zones")) {
            YamlNode list = e.fields.get("zones");
            expect(list, YamlNode.Kind.LIST, "a list of zone ids");
            for (YamlNode item : list.items) {
                Site.Zone zone = zones.get(text(item));
                if (zone == null) {
                    throw fail(item, "no zone '" + item.text + "' is declared");
                }
                if (zone.assemblyPoint()) {
                    throw fail(item, "an assembly point is where people muster, not a zone to evacuate");
                }
                evacuated.add(zone.id());
            }
        } else {
            // no list: the whole site is evacuated
            zones.values().stream().filter(z -> !z.assemblyPoint()).forEach(z -> evacuated.add(z.id()));
        }
        return new Site.Evacuation(Set.copyOf(new LinkedHashSet<>(rules)), Set.copyOf(evacuated));
    }

    private Site.Zone zone(YamlNode z) {
        expect(z, YamlNode.Kind.MAP, "a zone mapping with an 'id'");
        rejectUnknown(z, ZONE_FIELDS);
        String id = id(required(z, "id"));
        int capacity = z.fields.containsKey("capacity") ? integer(z.fields.get("capacity"), 0, 1_000_000) : 0;
        double warn = DEFAULT_WARN_SHARE;
        if (z.fields.containsKey("warn_at")) {
            YamlNode w = z.fields.get("warn_at");
            if (!w.isNumber() || Double.parseDouble(w.text) <= 0 || Double.parseDouble(w.text) > 1) {
                throw fail(w, "expected a share of capacity in (0, 1], got " + w.describe());
            }
            if (capacity == 0) {
                throw fail(w, "needs a 'capacity'");
            }
            warn = Double.parseDouble(w.text);
        }
        boolean restricted = bool(z, "restricted", false);
        Set<String> allowed = new LinkedHashSet<>();
        if (z.fields.containsKey("allowed")) {
            if (!restricted) {
                throw fail(z.fields.get("allowed"), "only a restricted zone has allowed groups");
            }
            YamlNode list = z.fields.get("allowed");
            expect(list, YamlNode.Kind.LIST, "a list of group ids");
            for (YamlNode item : list.items) {
                allowed.add(id(item));
            }
        }
        boolean hazardous = bool(z, "hazardous", false);
        Duration maxDwell = null;
        if (z.fields.containsKey("max_dwell")) {
            if (!hazardous) {
                throw fail(z.fields.get("max_dwell"), "only a hazardous zone has a maximum dwell");
            }
            maxDwell = duration(z.fields.get("max_dwell"));
        }
        Duration horizon = null;
        if (z.fields.containsKey("horizon")) {
            if (capacity == 0) {
                throw fail(z.fields.get("horizon"), "needs a 'capacity' to forecast");
            }
            horizon = duration(z.fields.get("horizon"));
        }
        return new Site.Zone(id, capacity, warn, restricted, Set.copyOf(allowed), bool(z, "assembly_point", false),
                hazardous, maxDwell, horizon);
    }

    private Site.TagGroup group(YamlNode g, Map<String, Site.Zone> zones) {
        expect(g, YamlNode.Kind.MAP, "a group mapping with an 'id'");
        rejectUnknown(g, GROUP_FIELDS);
        String id = id(required(g, "id"));
        // privacy by default: a group is personal unless the file says otherwise
        boolean personal = bool(g, "personal", true);
        Set<String> tags = new LinkedHashSet<>(strings(g, "tags"));
        List<String> prefixes = strings(g, "prefixes");
        if (tags.isEmpty() && prefixes.isEmpty()) {
            throw fail(g, "group '" + id + "' needs 'tags' or 'prefixes'");
        }
        String home = null;
        if (g.fields.containsKey("home_zone")) {
            YamlNode h = g.fields.get("home_zone");
            home = text(h);
            if (!zones.containsKey(home)) {
                throw fail(h, "no zone '" + home + "' is declared");
            }
            if (personal) {
                throw fail(h, "people have no home zone; set 'personal: false' for assets");
            }
        }
        Duration missingAfter = null;
        if (g.fields.containsKey("missing_after")) {
            if (home == null) {
                throw fail(g.fields.get("missing_after"), "needs a 'home_zone'");
            }
            missingAfter = duration(g.fields.get("missing_after"));
        }
        boolean hazardous = bool(g, "hazardous", false);
        if (hazardous && home == null) {
            throw fail(g.fields.get("hazardous"), "hazardous material needs a 'home_zone'");
        }
        return new Site.TagGroup(id, personal, Set.copyOf(tags), List.copyOf(prefixes), home, missingAfter, hazardous);
    }

    private List<YamlNode> list(YamlNode root, String name, boolean required) {
        YamlNode node = root.fields.get(name);
        if (node == null) {
            if (required) {
                throw fail(root, name, "missing: the file must contain a '" + name + "' list");
            }
            return List.of();
        }
        expect(node, YamlNode.Kind.LIST, "a list");
        return node.items;
    }

    private List<String> strings(YamlNode parent, String name) {
        YamlNode node = parent.fields.get(name);
        if (node == null) {
            return List.of();
        }
        expect(node, YamlNode.Kind.LIST, "a list of strings");
        List<String> out = new ArrayList<>();
        for (YamlNode item : node.items) {
            String s = text(item);
            if (s.isEmpty()) {
                throw fail(item, "must not be empty");
            }
            out.add(s);
        }
        return out;
    }

    private YamlNode required(YamlNode map, String name) {
        YamlNode node = map.fields.get(name);
        if (node == null) {
            throw fail(map, map.path + "." + name, "missing");
        }
        return node;
    }

    private String id(YamlNode node) {
        String s = text(node);
        if (!ID.matcher(s).matches()) {
            throw fail(node, "expected an id of lower-case letters, digits and '-', got " + node.describe());
        }
        return s;
    }

    private String text(YamlNode node) {
        if (node.kind != YamlNode.Kind.SCALAR || node.text == null) {
            throw fail(node, "expected a string, got " + node.describe());
        }
        return node.text;
    }

    private int integer(YamlNode node, int min, int max) {
        if (node.kind == YamlNode.Kind.SCALAR && node.text != null && node.text.matches("\\d{1,9}")) {
            int n = Integer.parseInt(node.text);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw fail(node, "expected an integer " + min + ".." + max + ", got " + node.describe());
    }

    private boolean bool(YamlNode map, String name, boolean otherwise) {
        YamlNode node = map.fields.get(name);
        if (node == null) {
            return otherwise;
        }
        if (node.kind == YamlNode.Kind.SCALAR && ("true".equals(node.text) || "false".equals(node.text))) {
            return Boolean.parseBoolean(node.text);
        }
        throw fail(node, "expected true or false, got " + node.describe());
    }

    private Duration duration(YamlNode node) {
        Matcher m = node.text == null ? null : DURATION.matcher(node.text);
        if (m == null || !m.matches()) {
            throw fail(node, "expected a duration like 30s, 5m or 2h, got " + node.describe());
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw fail(node, "must be longer than zero");
        }
        return d;
    }

    private void expect(YamlNode node, YamlNode.Kind kind, String what) {
        if (node.kind != kind) {
            throw fail(node, "expected " + what + ", got " + node.describe());
        }
    }

    private void rejectUnknown(YamlNode map, Set<String> known) {
        for (Map.Entry<String, YamlNode> e : map.fields.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw fail(e.getValue(), "unknown field; known: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    private InvalidSiteException fail(YamlNode node, String problem) {
        return new InvalidSiteException(file, node.line, node.path, problem);
    }

    private InvalidSiteException fail(YamlNode node, String field, String problem) {
        return new InvalidSiteException(file, node.line, field, problem);
    }
}

package io.vigil.common.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigil.common.Reading;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The device registry: every device allowed to send readings, with its credentials and where it is installed,
 * plus the physical range of each metric. The operator manages it with {@code vigil devices add|list|revoke};
 * see docs/security.md for the file format. Immutable: changes return a new registry.
 */
public final class DeviceRegistry {
    /** Device ids become MQTT topic levels, Kafka keys and InfluxDB tags (same rule as the gateway's DeviceIds). */
    private static final Pattern DEVICE_ID = Pattern.compile("[^/+#\\s\\p{Cntrl}]{1,128}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final YAMLMapper YAML = new YAMLMapper();
    static final String ENABLED = "enabled";
    static final String REVOKED = "revoked";

    private final Map<String, RegisteredDevice> devices;
    private final Map<String, MetricRange> ranges;

    public DeviceRegistry(Collection<RegisteredDevice> devices, Map<String, MetricRange> ranges) {
        Map<String, RegisteredDevice> byId = new LinkedHashMap<>();
        for (RegisteredDevice d : devices) {
            if (byId.put(d.id(), d) != null) {
                throw new RegistryException("device '" + d.id() + "' is registered twice");
            }
        }
        this.devices = java.util.Collections.unmodifiableMap(byId);
        this.ranges = Map.copyOf(ranges);
    }

    public static DeviceRegistry empty() {
        return new DeviceRegistry(List.of(), Map.of());
    }

    public Optional<RegisteredDevice> find(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId));
    }

    public Collection<RegisteredDevice> devices() {
        return devices.values();
    }

    /** The physical range of a metric, if the operator configured one. */
    public Optional<MetricRange> range(String metric) {
        return Optional.ofNullable(ranges.get(metric));
    }

    public Map<String, MetricRange> ranges() {
        return ranges;
    }

    public DeviceRegistry with(RegisteredDevice device) {
        if (devices.containsKey(device.id())) {
            throw new RegistryException("device '" + device.id() + "' is already registered");
        }
        List<RegisteredDevice> all = new java.util.ArrayList<>(devices.values());
        all.add(device);
        return new DeviceRegistry(all, ranges);
    }

    public DeviceRegistry revoke(String deviceId) {
        if (!devices.containsKey(deviceId)) {
            throw new RegistryException("no device '" + deviceId + "' in the registry");
        }
        List<RegisteredDevice> all = devices.values().stream()
                .map(d -> d.id().equals(deviceId) ? d.asRevoked() : d).toList();
        return new DeviceRegistry(all, ranges);
    }

    public static boolean isValidDeviceId(String id) {
        return id != null && DEVICE_ID.matcher(id).matches();
    }

    /** Reads a registry file; a missing file is an empty registry. Errors name file, line and field. */
    public static DeviceRegistry load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return empty();
        }
        try (JsonParser p = YAML.createParser(file.toFile())) {
            return new Reader(file, p).read();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new RegistryException(file, line, null, "not valid YAML: " + e.getOriginalMessage());
        }
    }

    /** Writes the registry readable by its owner only (it holds PSKs), replacing the file atomically. */
    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".devices", ".yaml");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: rely on the directory's ACL
        }
        Files.writeString(tmp, toYaml());
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    String toYaml() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> metrics = new LinkedHashMap<>();
        ranges.forEach((m, r) -> metrics.put(m, Map.of("min", r.min(), "max", r.max())));
        root.put("metrics", metrics);
        List<Map<String, Object>> list = devices.values().stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("site", d.site());
            m.put("zone", d.zone());
            if (d.department() != null) {
                m.put("department", d.department());
            }
            m.put("status", d.revoked() ? REVOKED : ENABLED);
            m.put("mqtt-password-hash", d.mqttPasswordHash());
            m.put("psk-key", d.pskKey());
            if (!d.metrics().isEmpty()) {
                m.put("metrics", List.copyOf(new java.util.TreeSet<>(d.metrics())));
            }
            return m;
        }).toList();
        root.put("devices", list);
        return "# Vigil device registry, managed with `vigil devices`; see docs/security.md. Keep it private:\n"
                + "# it holds every device's DTLS pre-shared key.\n" + YAML.writeValueAsString(root);
    }

    /** Streams the YAML so every error can name the line it is on. */
    private static final class Reader {
        private final Path file;
        private final JsonParser p;

        Reader(Path file, JsonParser p) {
            this.file = file;
            this.p = p;
        }

        DeviceRegistry read() throws IOException {
            JsonToken first = p.nextToken();
            if (first == null) {
                return empty();
            }
            if (first != JsonToken.START_OBJECT) {
                throw error(null, "the file must be a mapping with 'devices' and optionally 'metrics'");
            }
            List<RegisteredDevice> devices = new java.util.ArrayList<>();
            Map<String, MetricRange> ranges = new LinkedHashMap<>();
            Set<String> ids = new LinkedHashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String section = p.currentName();
                JsonToken t = p.nextToken();
                switch (section) {
                    case "devices" -> {
                        if (t == JsonToken.VALUE_NULL) {
                            continue;
                        }
                        if (t != JsonToken.START_ARRAY) {
                            throw error("devices", "must be a list");
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            RegisteredDevice d = device();
                            if (!ids.add(d.id())) {
                                throw error("id", "device '" + d.id() + "' is registered twice");
                            }
                            devices.add(d);
                        }
                    }
                    case "metrics" -> {
                        if (t == JsonToken.VALUE_NULL) {
                            continue;
                        }
                        if (t != JsonToken.START_OBJECT) {
                            throw error("metrics", "must map metric names to {min, max}");
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String metric = p.currentName();
                            int line = line();
                            p.nextToken();
                            JsonNode r = p.readValueAsTree();
                            ranges.put(metric, range(metric, r, line));
                        }
                    }
                    default -> throw error(section, "unknown section; expected 'devices' or 'metrics'");
                }
            }
            return new DeviceRegistry(devices, ranges);
        }

        private MetricRange range(String metric, JsonNode r, int line) {
            if (r == null || !r.isObject() || !r.path("min").isNumber() || !r.path("max").isNumber()) {
                throw new RegistryException(file, line, "metrics." + metric, "must be {min: number, max: number}");
            }
            try {
                return new MetricRange(r.get("min").asDouble(), r.get("max").asDouble());
            } catch (IllegalArgumentException e) {
                throw new RegistryException(file, line, "metrics." + metric, e.getMessage());
            }
        }

        private RegisteredDevice device() throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw error("devices", "each entry must be a mapping");
            }
            int start = line();
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            Map<String, Integer> lines = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                lines.put(name, line());
                p.nextToken();
                fields.put(name, p.readValueAsTree());
            }
            Field f = new Field(fields, lines, start);
            for (String name : fields.keySet()) {
                if (!Set.of("id", "site", "zone", "department", "status", "mqtt-password-hash", "psk-key", "metrics")
                        .contains(name)) {
                    throw f.error(name, "unknown field");
                }
            }
            String id = f.text("id", true);
            if (!isValidDeviceId(id)) {
                throw f.error("id", "'" + id + "' is not a device id (1..128 characters, no '/', '+', '#',"
                        + " whitespace or control characters)");
            }
            String site = f.name("site", false);
            String zone = f.name("zone", true);
            String department = f.name("department", false);
            String status = f.text("status", false);
            if (status != null && !status.equals(ENABLED) && !status.equals(REVOKED)) {
                throw f.error("status", "must be '" + ENABLED + "' or '" + REVOKED + "', got '" + status + "'");
            }
            String hash = f.text("mqtt-password-hash", true);
            if (!Secrets.isMosquittoHash(hash)) {
                throw f.error("mqtt-password-hash", "not a $7$ PBKDF2-SHA512 hash as `vigil devices add` writes");
            }
            String psk = f.text("psk-key", true);
            try {
                if (Base64.getDecoder().decode(psk).length < 16) {
                    throw f.error("psk-key", "must be at least 16 bytes");
                }
            } catch (IllegalArgumentException e) {
                if (e instanceof RegistryException re) {
                    throw re;
                }
                throw f.error("psk-key", "not Base64");
            }
            Set<String> metrics = new LinkedHashSet<>();
            JsonNode m = fields.get("metrics");
            if (m != null && !m.isNull()) {
                if (!m.isArray()) {
                    throw f.error("metrics", "must be a list of metric names");
                }
                for (JsonNode n : m) {
                    if (!n.isTextual() || !NAME.matcher(n.asText()).matches()) {
                        throw f.error("metrics", "'" + n.asText() + "' is not a metric name");
                    }
                    metrics.add(n.asText());
                }
            }
            return new RegisteredDevice(id, site == null ? Reading.Defaults.SITE : site, zone, department, hash, psk,
                    metrics, REVOKED.equals(status));
        }

        private int line() {
            return p.currentTokenLocation().getLineNr();
        }

        private RegistryException error(String field, String problem) {
            return new RegistryException(file, line(), field, problem);
        }

        /** One device entry's fields with the line each is on. */
        private final class Field {
            private final Map<String, JsonNode> fields;
            private final Map<String, Integer> lines;
            private final int start;

            Field(Map<String, JsonNode> fields, Map<String, Integer> lines, int start) {
                this.fields = fields;
                this.lines = lines;
                this.start = start;
            }

            String text(String name, boolean required) {
                JsonNode v = fields.get(name);
                if (v == null || v.isNull()) {
                    if (required) {
                        throw new RegistryException(file, start, name, "is missing");
                    }
                    return null;
                }
                if (!v.isTextual() || v.asText().isBlank()) {
                    throw error(name, "must be a non-empty string");
                }
                return v.asText();
            }

            String name(String field, boolean required) {
                String v = text(field, required);
                if (v != null && !NAME.matcher(v).matches()) {
                    throw error(field, "'" + v + "' must be 1..64 of A-Z a-z 0-9 _ . : -");
                }
                return v;
            }

            RegistryException error(String name, String problem) {
                return new RegistryException(file, lines.getOrDefault(name, start), name, problem);
            }
        }
    }
}

package io.vigil.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node of a configuration file (rules, site) that knows its file, line and field path, with the typed getters
 * every such file needs. Jackson's own tree drops locations, and every problem must be an
 * {@link InvalidConfigFileException} naming file, line and field, so those files are read into this small tree.
 * Getters named after a field ({@code required("id")}) read that field of this mapping; the others read this node.
 */
public final class YamlNode {
    public enum Kind { MAP, LIST, SCALAR }

    private static final YAMLFactory YAML = new YAMLFactory();

    public final Kind kind;
    /** e.g. {@code rules[2].threshold.for}; the empty path is the document itself. */
    public final String path;
    public final int line;
    public final Map<String, YamlNode> fields = new LinkedHashMap<>();
    public final List<YamlNode> items = new ArrayList<>();
    public final String text;
    private final String file;
    private final JsonToken token;

    private YamlNode(String file, Kind kind, String path, int line, JsonToken token, String text) {
        this.file = file;
        this.kind = kind;
        this.path = path;
        this.line = line;
        this.token = token;
        this.text = text;
    }

    /** Reads a file; an empty one is an error naming {@code topField}, the field the file must hold. */
    public static YamlNode load(Path path, String topField) {
        String yaml;
        try {
            yaml = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigFileException(path.toString(), 0, "(file)", "cannot read: " + e);
        }
        return parse(yaml, path.toString(), topField);
    }

    /** Reads a document; {@code file} names it in errors, an empty one is an error naming {@code topField}. */
    public static YamlNode parse(String yaml, String file, String topField) {
        try (JsonParser p = YAML.createParser(yaml)) {
            if (p.nextToken() == null) {
                throw new InvalidConfigFileException(file, 1, topField, "the file is empty");
            }
            return read(p, file, "", 0);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InvalidConfigFileException(file, line, "(syntax)", e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidConfigFileException(file, 0, "(file)", e.toString());
        }
    }

    /**
     * Reads the value the parser is positioned on and everything below it. {@code line} is where the value is
     * named: its key's line for a field, else the value's own line (0 = take the parser's).
     */
    private static YamlNode read(JsonParser p, String file, String path, int line) throws IOException {
        JsonToken t = p.currentToken();
        JsonLocation here = p.currentTokenLocation();
        int at = line > 0 ? line : here.getLineNr();
        if (t == JsonToken.START_OBJECT) {
            YamlNode map = new YamlNode(file, Kind.MAP, path, at, t, null);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String childPath = join(path, name);
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                if (map.fields.containsKey(name)) {
                    throw new InvalidConfigFileException(file, keyLine, childPath, "given twice");
                }
                map.fields.put(name, read(p, file, childPath, keyLine));
            }
            return map;
        }
        if (t == JsonToken.START_ARRAY) {
            YamlNode list = new YamlNode(file, Kind.LIST, path, at, t, null);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.items.add(read(p, file, path + "[" + list.items.size() + "]", 0));
            }
            return list;
        }
        return new YamlNode(file, Kind.SCALAR, path, at, t, t == JsonToken.VALUE_NULL ? null : p.getText());
    }

    // ---- this node

    /** Fails unless this node is of {@code kind}; {@code what} says what was expected, e.g. "a list of zone ids". */
    public YamlNode expect(Kind kind, String what) {
        if (this.kind != kind) {
            throw fail("expected " + what + ", got " + describe());
        }
        return this;
    }

    /** A mapping's fields must all be {@code known}: a typo such as {@code clearfor:} is an error, not ignored. */
    public YamlNode rejectUnknown(Set<String> known) {
        for (Map.Entry<String, YamlNode> e : fields.entrySet()) {
            if (!known.contains(e.getKey())) {
                String field = e.getKey().isEmpty() ? join(path, "\"\"") : e.getValue().path;
                throw e.getValue().fail(field, "unknown field; expected one of " + new TreeSet<>(known));
            }
        }
        return this;
    }

    /** Non-blank text; a number or boolean counts as its text. */
    public String text() {
        if (kind != Kind.SCALAR || text == null || text.isBlank()) {
            throw fail("expected text, got " + describe());
        }
        return text;
    }

    /** A finite number. */
    public double number() {
        if (!isNumber()) {
            throw fail("expected a number, got " + describe());
        }
        double v = Double.parseDouble(text);
        if (!Double.isFinite(v)) {
            throw fail("expected a finite number, got " + describe());
        }
        return v;
    }

    /** A whole number written without sign or point, {@code min..max}. */
    public int integer(int min, int max) {
        if (kind == Kind.SCALAR && text != null && text.matches("\\d{1,9}")) {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw fail("expected an integer " + min + ".." + max + ", got " + describe());
    }

    /** A duration in the grammar of {@link Durations}; zero allowed. */
    public Duration duration() {
        if (kind != Kind.SCALAR || text == null) {
            throw fail("expected " + Durations.LIKE + ", got " + describe());
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    /** A duration longer than zero. */
    public Duration positiveDuration() {
        Duration d = duration();
        if (d.isZero()) {
            throw fail("must be longer than 0");
        }
        return d;
    }

    /** A list of non-blank strings. */
    public List<String> strings(String what) {
        expect(Kind.LIST, what);
        return items.stream().map(YamlNode::text).toList();
    }

    // ---- a field of this mapping

    /** The field, or null if it is not given. */
    public YamlNode field(String name) {
        return fields.get(name);
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    public YamlNode required(String name) {
        YamlNode node = fields.get(name);
        if (node == null) {
            throw fail(join(path, name), "missing required field");
        }
        return node;
    }

    public Optional<String> optionalText(String name) {
        YamlNode node = fields.get(name);
        return node == null ? Optional.empty() : Optional.of(node.text());
    }

    public Optional<Duration> optionalDuration(String name) {
        YamlNode node = fields.get(name);
        return node == null ? Optional.empty() : Optional.of(node.duration());
    }

    /** The field's list of non-blank strings; none if it is not given. */
    public List<String> optionalStrings(String name, String what) {
        YamlNode node = fields.get(name);
        return node == null ? List.of() : node.strings(what);
    }

    public boolean bool(String name, boolean otherwise) {
        YamlNode node = fields.get(name);
        if (node == null) {
            return otherwise;
        }
        if (node.kind == Kind.SCALAR && ("true".equals(node.text) || "false".equals(node.text))) {
            return Boolean.parseBoolean(node.text);
        }
        throw node.fail("expected true or false, got " + node.describe());
    }

    /** Exactly one of two fields, e.g. {@code rise} or {@code fall}. */
    public YamlNode oneOf(String a, String b) {
        YamlNode na = fields.get(a);
        YamlNode nb = fields.get(b);
        if (na != null && nb != null) {
            throw nb.fail("give either " + a + " or " + b + ", not both");
        }
        if (na == null && nb == null) {
            throw fail(join(path, a), "missing: give " + a + " or " + b);
        }
        return na != null ? na : nb;
    }

    // ---- problems

    /** A problem with this node, at its line and path. */
    public InvalidConfigFileException fail(String problem) {
        return fail(path, problem);
    }

    /** A problem at this node's line with {@code field} (a path; the empty path is the document itself). */
    public InvalidConfigFileException fail(String field, String problem) {
        return new InvalidConfigFileException(file, line, field.isEmpty() ? "(top level)" : field, problem);
    }

    public boolean isNumber() {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    public String describe() {
        return switch (kind) {
            case MAP -> "a mapping";
            case LIST -> "a list";
            case SCALAR -> text == null ? "nothing" : "\"" + text + "\"";
        };
    }

    /** {@code rules[0]} + {@code id} = {@code rules[0].id}; at the top, just the field. */
    public static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}

package io.vigil.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML node that remembers its path and line. Jackson's own tree drops locations, and configuration errors (rules
 * file, site file) must name file, line and field, so those files are read into this small tree instead.
 */
public final class YamlNode {
    public enum Kind { MAP, LIST, SCALAR }

    /** Builds the loader's own exception for a problem at a place in a file. */
    @FunctionalInterface
    public interface Problem {
        RuntimeException at(String file, int line, String field, String problem);
    }

    public final Kind kind;
    public final String path;
    public final int line;
    public final Map<String, YamlNode> fields = new LinkedHashMap<>();
    public final List<YamlNode> items = new ArrayList<>();
    public final JsonToken token;
    public final String text;

    private YamlNode(Kind kind, String path, int line, JsonToken token, String text) {
        this.kind = kind;
        this.path = path;
        this.line = line;
        this.token = token;
        this.text = text;
    }

    /**
     * Reads the value the parser is positioned on (its current token) and everything below it. {@code line} is
     * where the value is named: its key's line for a field, else the value's own line (0 = take the parser's).
     * A key given twice in one mapping is reported through {@code problem}.
     */
    public static YamlNode read(JsonParser p, String path, String file, int line, Problem problem) throws IOException {
        JsonToken t = p.currentToken();
        JsonLocation here = p.currentTokenLocation();
        int at = line > 0 ? line : here.getLineNr();
        if (t == JsonToken.START_OBJECT) {
            YamlNode map = new YamlNode(Kind.MAP, path, at, t, null);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String childPath = path.isEmpty() ? name : path + "." + name;
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                if (map.fields.containsKey(name)) {
                    throw problem.at(file, keyLine, childPath, "given twice");
                }
                map.fields.put(name, read(p, childPath, file, keyLine, problem));
            }
            return map;
        }
        if (t == JsonToken.START_ARRAY) {
            YamlNode list = new YamlNode(Kind.LIST, path, at, t, null);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.items.add(read(p, path + "[" + list.items.size() + "]", file, 0, problem));
            }
            return list;
        }
        return new YamlNode(Kind.SCALAR, path, at, t, t == JsonToken.VALUE_NULL ? null : p.getText());
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
}

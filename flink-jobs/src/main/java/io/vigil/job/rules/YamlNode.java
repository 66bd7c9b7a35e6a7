package io.vigil.job.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML node that remembers its path and line. Jackson's own tree drops locations, and rule errors must name the
 * line, so the rules file is read into this small tree instead.
 */
final class YamlNode {
    enum Kind { MAP, LIST, SCALAR }

    final Kind kind;
    final String path;
    final int line;
    final Map<String, YamlNode> fields = new LinkedHashMap<>();
    final List<YamlNode> items = new ArrayList<>();
    final JsonToken token;
    final String text;

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
     */
    static YamlNode read(JsonParser p, String path, String file, int line) throws IOException {
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
                    throw new InvalidRulesException(file, keyLine, childPath, "given twice");
                }
                map.fields.put(name, read(p, childPath, file, keyLine));
            }
            return map;
        }
        if (t == JsonToken.START_ARRAY) {
            YamlNode list = new YamlNode(Kind.LIST, path, at, t, null);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.items.add(read(p, path + "[" + list.items.size() + "]", file, 0));
            }
            return list;
        }
        return new YamlNode(Kind.SCALAR, path, at, t, t == JsonToken.VALUE_NULL ? null : p.getText());
    }

    boolean isNumber() {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    String describe() {
        return switch (kind) {
            case MAP -> "a mapping";
            case LIST -> "a list";
            case SCALAR -> text == null ? "nothing" : "\"" + text + "\"";
        };
    }
}

package io.vigil.common.rfid;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML node that remembers its path and line, the approach of flink-jobs' rules loader: Jackson's own tree drops
 * locations, and site errors must name the line.
 */
final class SiteYaml {
    enum Kind { MAP, LIST, SCALAR }

    final Kind kind;
    final String path;
    final int line;
    final Map<String, SiteYaml> fields = new LinkedHashMap<>();
    final List<SiteYaml> items = new ArrayList<>();
    final JsonToken token;
    final String text;

    private SiteYaml(Kind kind, String path, int line, JsonToken token, String text) {
        this.kind = kind;
        this.path = path;
        this.line = line;
        this.token = token;
        this.text = text;
    }

    static SiteYaml read(JsonParser p, String path, String file, int line) throws IOException {
        JsonToken t = p.currentToken();
        JsonLocation here = p.currentTokenLocation();
        int at = line > 0 ? line : here.getLineNr();
        if (t == JsonToken.START_OBJECT) {
            SiteYaml map = new SiteYaml(Kind.MAP, path, at, t, null);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String childPath = path.isEmpty() ? name : path + "." + name;
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                if (map.fields.containsKey(name)) {
                    throw new InvalidSiteException(file, keyLine, childPath, "given twice");
                }
                map.fields.put(name, read(p, childPath, file, keyLine));
            }
            return map;
        }
        if (t == JsonToken.START_ARRAY) {
            SiteYaml list = new SiteYaml(Kind.LIST, path, at, t, null);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.items.add(read(p, path + "[" + list.items.size() + "]", file, 0));
            }
            return list;
        }
        return new SiteYaml(Kind.SCALAR, path, at, t, t == JsonToken.VALUE_NULL ? null : p.getText());
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

package io.vigil.common.codec;

import java.util.HashMap;
import java.util.Map;

/** The SenML fields Vigil knows, with their JSON labels and CBOR integer labels (RFC 8428 §5 and §6). */
enum SenmlLabel {
    BASE_VERSION("bver", -1, WireValue.Kind.NUMBER),
    BASE_NAME("bn", -2, WireValue.Kind.STRING),
    BASE_TIME("bt", -3, WireValue.Kind.NUMBER),
    BASE_UNIT("bu", -4, WireValue.Kind.STRING),
    BASE_VALUE("bv", -5, WireValue.Kind.NUMBER),
    BASE_SUM("bs", -6, WireValue.Kind.NUMBER),
    NAME("n", 0, WireValue.Kind.STRING),
    UNIT("u", 1, WireValue.Kind.STRING),
    VALUE("v", 2, WireValue.Kind.NUMBER),
    STRING_VALUE("vs", 3, WireValue.Kind.STRING),
    BOOLEAN_VALUE("vb", 4, WireValue.Kind.BOOLEAN),
    SUM("s", 5, WireValue.Kind.NUMBER),
    TIME("t", 6, WireValue.Kind.NUMBER),
    UPDATE_TIME("ut", 7, WireValue.Kind.NUMBER),
    DATA_VALUE("vd", 8, WireValue.Kind.BYTES);

    static final int COUNT = values().length;

    private static final Map<String, SenmlLabel> BY_JSON_LABEL = new HashMap<>();
    // Jackson's CBOR parser reports integer map keys as their decimal text.
    private static final Map<String, SenmlLabel> BY_CBOR_KEY = new HashMap<>();

    static {
        for (SenmlLabel label : values()) {
            BY_JSON_LABEL.put(label.json, label);
            BY_CBOR_KEY.put(Integer.toString(label.cbor), label);
        }
    }

    private final String json;
    private final int cbor;
    private final WireValue.Kind kind;

    SenmlLabel(String json, int cbor, WireValue.Kind kind) {
        this.json = json;
        this.cbor = cbor;
        this.kind = kind;
    }

    static SenmlLabel ofJsonLabel(String key) {
        return BY_JSON_LABEL.get(key);
    }

    static SenmlLabel ofCborKey(String key) {
        return BY_CBOR_KEY.get(key);
    }

    /** The label used in rejection details, for both formats, so one documentation table serves both. */
    String label() {
        return json;
    }

    /** The kind the RFC prescribes; a data value is a string in JSON (base64) and a byte string in CBOR. */
    boolean accepts(WireValue value) {
        return value.is(kind) || (this == DATA_VALUE && value.is(WireValue.Kind.STRING));
    }

    String expected() {
        return this == DATA_VALUE ? "a byte string" : kind.description();
    }
}

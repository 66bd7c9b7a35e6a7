package io.vigil.common.codec;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * One field value as it arrived, JSON or CBOR alike: its kind and, for scalars, its content. Decoders check kinds
 * themselves so that a wrong type becomes a typed rejection naming the field instead of a parser exception.
 */
record WireValue(Kind kind, double number, String text) {

    enum Kind {
        NUMBER("a number"),
        STRING("a string"),
        BOOLEAN("a boolean"),
        BYTES("a byte string"),
        NULL("null"),
        ARRAY("an array"),
        OBJECT("an object"),
        OTHER("an unsupported value");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    private static final WireValue TRUE = new WireValue(Kind.BOOLEAN, 1.0, null);
    private static final WireValue FALSE = new WireValue(Kind.BOOLEAN, 0.0, null);
    private static final WireValue NULL = new WireValue(Kind.NULL, Double.NaN, null);
    private static final WireValue ARRAY = new WireValue(Kind.ARRAY, Double.NaN, null);
    private static final WireValue OBJECT = new WireValue(Kind.OBJECT, Double.NaN, null);
    private static final WireValue BYTES = new WireValue(Kind.BYTES, Double.NaN, null);
    private static final WireValue OTHER = new WireValue(Kind.OTHER, Double.NaN, null);

    /**
     * Reads the value at the parser's current token and leaves the parser on its last token. Containers are skipped,
     * not materialised: no field Vigil reads is structured, so their content is never needed.
     */
    static WireValue read(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new WireValue(Kind.NUMBER, parser.getDoubleValue(), null);
            case VALUE_STRING:
                return new WireValue(Kind.STRING, Double.NaN, parser.getText());
            case VALUE_TRUE:
                return TRUE;
            case VALUE_FALSE:
                return FALSE;
            case VALUE_NULL:
                return NULL;
            case START_ARRAY:
                parser.skipChildren();
                return ARRAY;
            case START_OBJECT:
                parser.skipChildren();
                return OBJECT;
            case VALUE_EMBEDDED_OBJECT:
                // CBOR byte strings; left unread so a large one costs nothing.
                return BYTES;
            default:
                return OTHER;
        }
    }

    boolean is(Kind expected) {
        return kind == expected;
    }

    boolean isWholeNumber() {
        return kind == Kind.NUMBER && Double.isFinite(number) && number == Math.rint(number);
    }

    String describe() {
        return kind.description();
    }
}

package io.vigil.common.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What every decoder does the same way: enforce the size limits, walk the top level of the payload in one streaming
 * pass, and turn any parser failure into a rejection. Records are only handed back once the whole payload parsed,
 * so a truncated pack yields nothing rather than a misleading prefix.
 */
final class PayloadParsing {
    /** Vigil's payloads are two levels deep; the slack is for unknown extension fields, not for recursion bombs. */
    static final int MAX_NESTING_DEPTH = 16;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .build();

    // Factories are thread-safe and costly to build: one of each per JVM. Duplicate keys ({"v":1,"v":2}) are
    // ambiguous; refusing them is safer than silently picking one.
    static final JsonFactory JSON = new JsonFactoryBuilder()
            .streamReadConstraints(CONSTRAINTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    static final CBORFactory CBOR = CBORFactory.builder()
            .streamReadConstraints(CONSTRAINTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private PayloadParsing() {}

    /** Reads the records of one format; called once per top-level element. */
    interface RecordReader<R> {
        /** Reads the object at the parser's START_OBJECT through its END_OBJECT. */
        R readObject(JsonParser parser, int index) throws IOException;

        /** An element that is not an object: it becomes that record's rejection, not the payload's. */
        R notAnObject(WireValue element, int index);
    }

    /**
     * The records of one payload, or why there are none.
     *
     * @param inArray whether the payload was an array, so rejections name the record index
     */
    record Records<R>(List<R> records, boolean inArray, Rejection failure) {
        static <R> Records<R> failed(RejectReason reason, String detail) {
            return new Records<>(List.of(), false, Rejection.of(reason, detail));
        }
    }

    static <R> Records<R> read(
            JsonFactory factory, byte[] payload, String format, boolean objectRootAllowed, RecordReader<R> reader) {
        if (payload == null || payload.length == 0) {
            return Records.failed(RejectReason.EMPTY, "payload is empty");
        }
        if (payload.length > Payloads.MAX_PAYLOAD_BYTES) {
            return Records.failed(RejectReason.TOO_LARGE,
                    "payload has " + payload.length + " bytes, the limit is " + Payloads.MAX_PAYLOAD_BYTES);
        }
        try (JsonParser parser = factory.createParser(payload)) {
            Records<R> records = readRoot(parser, format, objectRootAllowed, reader);
            if (records.failure() == null && parser.nextToken() != null) {
                return Records.failed(RejectReason.MALFORMED, "not valid " + format + ": content after the end");
            }
            return records;
        } catch (StreamConstraintsException e) {
            return Records.failed(RejectReason.TOO_LARGE, "exceeds a " + format + " limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            return Records.failed(RejectReason.MALFORMED, "not valid " + format + ": " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            // The parser is the part hostile bytes reach first; whatever it throws must cost one payload, not the
            // gateway thread that called it.
            return Records.failed(RejectReason.MALFORMED, "not valid " + format + ": " + e);
        }
    }

    /** Guards the record readers against a source that ends inside an object without the parser noticing. */
    static void requireEndOfObject(JsonParser parser) throws JsonParseException {
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(parser, "record ends without closing its object");
        }
    }

    private static <R> Records<R> readRoot(
            JsonParser parser, String format, boolean objectRootAllowed, RecordReader<R> reader) throws IOException {
        JsonToken root = parser.nextToken();
        if (root == null) {
            return Records.failed(RejectReason.EMPTY, "payload holds only whitespace");
        }
        if (root == JsonToken.START_OBJECT && objectRootAllowed) {
            return new Records<>(List.of(reader.readObject(parser, 0)), false, null);
        }
        if (root != JsonToken.START_ARRAY) {
            String expected = objectRootAllowed ? "an object or an array of objects" : "an array of records";
            return Records.failed(RejectReason.MALFORMED,
                    "not valid " + format + ": payload is " + WireValue.read(parser).describe() + ", expected " + expected);
        }
        List<R> records = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                return Records.failed(RejectReason.MALFORMED, "not valid " + format + ": unexpected end of payload");
            }
            int index = records.size();
            if (index == Payloads.MAX_RECORDS) {
                return Records.failed(RejectReason.TOO_LARGE,
                        "payload holds more than " + Payloads.MAX_RECORDS + " records");
            }
            records.add(token == JsonToken.START_OBJECT
                    ? reader.readObject(parser, index)
                    : reader.notAnObject(WireValue.read(parser), index));
        }
        if (records.isEmpty()) {
            return Records.failed(RejectReason.EMPTY, "payload is an empty array");
        }
        return new Records<>(records, true, null);
    }
}

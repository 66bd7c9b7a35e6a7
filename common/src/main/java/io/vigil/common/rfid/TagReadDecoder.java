package io.vigil.common.rfid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.codec.Payloads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes tag-read payloads in all three formats (docs/rfid.md). A payload is a JSON object, an array of objects,
 * or several objects one after another (Zebra's IoT Connector and Impinj's event stream concatenate them); each
 * object is recognised on its own by its fields, so one body may even mix formats. Each object is read or refused
 * on its own. Where the JSON breaks, the objects complete before the break are still read (each is a whole event;
 * a reader's connector may append a broken one to good ones) and the rest is refused as one MALFORMED part that
 * says where it starts. Never throws.
 */
public final class TagReadDecoder {
    /** Media types accepted; none declared means JSON too. */
    public static final String JSON = "application/json";
    public static final String NDJSON = "application/x-ndjson";

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder().maxNestingDepth(16).build();
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .streamReadConstraints(CONSTRAINTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private TagReadDecoder() {}

    public static boolean isSupported(String contentType) {
        String media = mediaType(contentType);
        return media == null || media.equalsIgnoreCase(JSON) || media.equalsIgnoreCase(NDJSON);
    }

    /** @param context reader id (from the topic or URI), transport and receive time */
    public static TagDecodeResult decode(byte[] payload, String contentType, DecodeContext context) {
        Objects.requireNonNull(context, "context");
        if (!isSupported(contentType)) {
            return TagDecodeResult.rejected(Rejection.of(RejectReason.UNSUPPORTED_FORMAT,
                    "content type '" + contentType + "' is not supported; use " + JSON + " or " + NDJSON));
        }
        if (payload == null || payload.length == 0) {
            return TagDecodeResult.rejected(Rejection.of(RejectReason.EMPTY, "payload is empty"));
        }
        if (payload.length > Payloads.MAX_PAYLOAD_BYTES) {
            return TagDecodeResult.rejected(Rejection.of(RejectReason.TOO_LARGE,
                    "payload has " + payload.length + " bytes, the limit is " + Payloads.MAX_PAYLOAD_BYTES));
        }
        List<JsonNode> objects = new ArrayList<>();
        String broken = null; // why the JSON breaks after the complete objects, if it does
        try {
            objects(payload, objects);
        } catch (Refused r) {
            return TagDecodeResult.rejected(Rejection.of(r.reason, r.getMessage()));
        } catch (StreamConstraintsException e) {
            return TagDecodeResult.rejected(Rejection.of(RejectReason.TOO_LARGE, "exceeds a JSON limit: "
                    + e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            broken = "not valid JSON: " + e.getOriginalMessage();
        } catch (IOException | RuntimeException e) {
            broken = "not valid JSON: " + e;
        }
        if (objects.isEmpty()) {
            return TagDecodeResult.rejected(broken != null ? Rejection.of(RejectReason.MALFORMED, broken)
                    : Rejection.of(RejectReason.EMPTY, "payload holds no event"));
        }
        List<TagRead> reads = new ArrayList<>(objects.size());
        List<Rejection> rejections = new ArrayList<>(0);
        int ignored = 0;
        boolean numbered = objects.size() > 1 || broken != null;
        for (int i = 0; i < objects.size(); i++) {
            try {
                TagRead read = TagEventFormats.read(objects.get(i), context);
                if (read == null) {
                    ignored++;
                } else {
                    reads.add(read);
                }
            } catch (Refused r) {
                rejections.add(Rejection.of(r.reason, numbered ? "event " + i + ": " + r.getMessage() : r.getMessage()));
            }
        }
        if (broken != null) {
            rejections.add(Rejection.of(RejectReason.MALFORMED, "event " + objects.size() + " onwards: "
                    + broken + " (the " + objects.size() + " complete event(s) before it were read)"));
        }
        return new TagDecodeResult(reads, rejections, ignored);
    }

    /**
     * Every top-level value into {@code out}, arrays flattened one level; non-objects are kept so they are refused
     * one by one. When the JSON breaks, {@code out} holds the values complete before the break.
     */
    private static void objects(byte[] payload, List<JsonNode> out) throws IOException, Refused {
        try (JsonParser p = FACTORY.createParser(payload)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_ARRAY) {
                    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                        if (e == null) {
                            throw new Refused(RejectReason.MALFORMED, "not valid JSON: unexpected end of payload");
                        }
                        add(out, MAPPER.readTree(p));
                    }
                } else {
                    add(out, MAPPER.readTree(p));
                }
            }
        }
    }

    private static void add(List<JsonNode> out, JsonNode node) throws Refused {
        if (out.size() == Payloads.MAX_RECORDS) {
            throw new Refused(RejectReason.TOO_LARGE, "payload holds more than " + Payloads.MAX_RECORDS + " events");
        }
        out.add(node);
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
    }

    /** Why one event cannot become a tag read; expected on hostile input, so without a stack trace. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final RejectReason reason;

        Refused(RejectReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}

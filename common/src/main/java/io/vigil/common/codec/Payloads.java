package io.vigil.common.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import java.io.IOException;
import java.util.Objects;

/**
 * Entry point for the gateway: picks the decoder for a payload's declared content type (MQTT 5 content-type
 * property, or the media type of a CoAP Content-Format) and decodes it. Never throws on any payload.
 *
 * <p>Accepted media types: {@value #JSON} (Vigil's plain reading), {@value #SENML_JSON}, {@value #SENML_CBOR},
 * matched case-insensitively and ignoring parameters such as {@code ; charset=utf-8}. A null or blank content type
 * means "not declared": the format is then detected from the payload. Any other content type yields
 * {@link io.vigil.common.RejectReason#UNSUPPORTED_FORMAT}.
 */
public final class Payloads {
    public static final String JSON = "application/json";
    public static final String SENML_JSON = "application/senml+json";
    public static final String SENML_CBOR = "application/senml+cbor";

    /** CoAP Content-Format numbers (RFC 7252 §12.3, RFC 8428 §12.3). */
    public static final int COAP_JSON = 50;
    public static final int COAP_SENML_JSON = 110;
    public static final int COAP_SENML_CBOR = 112;

    /**
     * The largest payload a device may send (docs/formats.md#limits): the gateway refuses larger ones as TOO_LARGE
     * (its {@code maxPayloadBytes}, which defaults to this), and the broker's packet limit is this plus room for the
     * topic and properties, so nothing between the two is dropped without a reason.
     */
    public static final int DEVICE_PAYLOAD_LIMIT = 64 * 1024;
    /**
     * The decoders' own bound, for callers other than the gateway (which refuses at its lower limit first): larger
     * payloads are refused as TOO_LARGE before parsing.
     */
    public static final int MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
    /** Most records one payload (array or SenML pack) may hold; more is refused as TOO_LARGE. */
    public static final int MAX_RECORDS = 10_000;

    private static final ReadingDecoder PLAIN_JSON = new PlainJsonDecoder();
    private static final ReadingDecoder SENML_JSON_DECODER = new SenmlJsonDecoder();
    private static final ReadingDecoder SENML_CBOR_DECODER = new SenmlCborDecoder();
    private static final ReadingDecoder UNRECOGNISED = (payload, context) -> DecodeResult.rejected(Rejection.of(
            RejectReason.MALFORMED, "no content type declared and the payload is neither a JSON object or array"
                    + " nor a CBOR array"));

    private Payloads() {}

    /**
     * Decodes one payload into readings stamped with the context's device, protocol and receive time.
     *
     * @param contentType the declared media type, or null if the transport declared none
     */
    public static DecodeResult decode(byte[] payload, String contentType, DecodeContext context) {
        Objects.requireNonNull(context, "context");
        String mediaType = mediaType(contentType);
        ReadingDecoder decoder = mediaType == null ? detect(payload) : decoderFor(mediaType);
        if (decoder == null) {
            return DecodeResult.rejected(Rejection.of(RejectReason.UNSUPPORTED_FORMAT, "content type '" + contentType
                    + "' is not supported; use " + JSON + ", " + SENML_JSON + " or " + SENML_CBOR));
        }
        return decoder.decode(payload, context);
    }

    /** Whether {@link #decode} would try to decode this content type; null or blank (detect) counts as supported. */
    public static boolean isSupported(String contentType) {
        String mediaType = mediaType(contentType);
        return mediaType == null || decoderFor(mediaType) != null;
    }

    /**
     * The media type of a CoAP Content-Format Vigil accepts, or null for any other. A CoAP request without a
     * Content-Format option should be decoded with a null content type; one with an unknown format must be refused,
     * not passed as null, or it would be format-detected.
     */
    public static String mediaTypeOfCoapFormat(int contentFormat) {
        return switch (contentFormat) {
            case COAP_JSON -> JSON;
            case COAP_SENML_JSON -> SENML_JSON;
            case COAP_SENML_CBOR -> SENML_CBOR;
            default -> null;
        };
    }

    /** The media type without parameters; null if none is declared, "" if only parameters are. */
    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
    }

    private static ReadingDecoder decoderFor(String mediaType) {
        if (mediaType.equalsIgnoreCase(JSON)) {
            return PLAIN_JSON;
        }
        if (mediaType.equalsIgnoreCase(SENML_JSON)) {
            return SENML_JSON_DECODER;
        }
        if (mediaType.equalsIgnoreCase(SENML_CBOR)) {
            return SENML_CBOR_DECODER;
        }
        return null;
    }

    /**
     * Picks a decoder from the payload itself. A JSON array is plain JSON when its first element has a "metric"
     * field and SenML otherwise; the two never share that field, and SenML is the standard to fall back on.
     */
    private static ReadingDecoder detect(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return PLAIN_JSON; // it reports EMPTY
        }
        // Checked on the raw first byte: JSON whitespace bytes are valid CBOR heads, none of them an array.
        if (isCborArray(payload)) {
            return SENML_CBOR_DECODER;
        }
        int first = firstNonWhitespace(payload);
        if (first == payload.length || payload[first] == '{') {
            return PLAIN_JSON;
        }
        if (payload[first] == '[') {
            return firstElementHasMetric(payload) ? PLAIN_JSON : SENML_JSON_DECODER;
        }
        return UNRECOGNISED;
    }

    private static boolean isCborArray(byte[] payload) {
        int head = payload[0] & 0xff;
        // 0xd9d9f7 is the optional CBOR self-describe tag (RFC 8949 §3.4.6).
        if (head == 0xd9 && payload.length > 3 && (payload[1] & 0xff) == 0xd9 && (payload[2] & 0xff) == 0xf7) {
            head = payload[3] & 0xff;
        }
        return head >= 0x80 && head <= 0x9f;
    }

    private static int firstNonWhitespace(byte[] payload) {
        int i = 0;
        if (payload.length >= 3 && (payload[0] & 0xff) == 0xef && (payload[1] & 0xff) == 0xbb
                && (payload[2] & 0xff) == 0xbf) {
            i = 3; // UTF-8 byte order mark
        }
        while (i < payload.length && (payload[i] == ' ' || payload[i] == '\t' || payload[i] == '\n' || payload[i] == '\r')) {
            i++;
        }
        return i;
    }

    /** Reads only as far as the first element's field names; a payload that breaks here is left to the decoder. */
    private static boolean firstElementHasMetric(byte[] payload) {
        try (JsonParser parser = PayloadParsing.JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                if ("metric".equals(parser.currentName())) {
                    return true;
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}

package io.vigil.common.codec;

/**
 * Entry point for the gateway: picks the decoder for a payload's declared content type (MQTT 5 content-type
 * property, or the media type of a CoAP Content-Format) and decodes it.
 *
 * <p>Accepted media types: {@value #JSON} (Vigil's plain reading), {@value #SENML_JSON}, {@value #SENML_CBOR}.
 * A null content type means "not declared": the format is then detected from the payload. Any other content
 * type yields {@link io.vigil.common.RejectReason#UNSUPPORTED_FORMAT}.
 */
public final class Payloads {
    public static final String JSON = "application/json";
    public static final String SENML_JSON = "application/senml+json";
    public static final String SENML_CBOR = "application/senml+cbor";

    /** CoAP Content-Format numbers (RFC 7252 §12.3, RFC 8428 §12.3). */
    public static final int COAP_JSON = 50;
    public static final int COAP_SENML_JSON = 110;
    public static final int COAP_SENML_CBOR = 112;

    private Payloads() {}

    public static DecodeResult decode(byte[] payload, String contentType, DecodeContext context) {
        throw new UnsupportedOperationException("decoders not written yet");
    }
}

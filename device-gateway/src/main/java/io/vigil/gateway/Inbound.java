package io.vigil.gateway;

import io.vigil.common.Protocol;

/**
 * One payload as a transport received it, before decoding.
 *
 * @param source      the MQTT topic or the CoAP URI path
 * @param deviceId    the device the transport identified, or null if the address did not name one
 * @param contentType declared media type, or null when the transport carried none (then it is detected)
 * @param receivedAt  gateway receive time, epoch ms
 */
public record Inbound(
        Protocol protocol, String source, String deviceId, String contentType, byte[] payload, long receivedAt) {

    public static Inbound now(Protocol protocol, String source, String deviceId, String contentType, byte[] payload) {
        return new Inbound(protocol, source, deviceId, contentType, payload == null ? new byte[0] : payload,
                System.currentTimeMillis());
    }

    /** The same inbound without its bytes, for dead letters of payloads that hold personal data. */
    public Inbound withoutPayload() {
        return new Inbound(protocol, source, deviceId, contentType, new byte[0], receivedAt);
    }
}

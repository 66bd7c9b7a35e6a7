package io.vigil.gateway;

import io.vigil.common.Protocol;

/**
 * One payload as a transport received it, before decoding.
 *
 * @param source      the MQTT topic or the CoAP URI path
 * @param deviceId    the device the transport identified, or null if the address did not name one
 * @param contentType declared media type, or null when the transport carried none (then it is detected)
 * @param receivedAt  gateway receive time, epoch ms
 * @param redelivered the transport says it delivered this payload before (MQTT: the broker set DUP because the
 *                    gateway's PUBACK for an earlier delivery did not reach it); a device's own repeat is not one
 * @param storeTimes  the store times given to this arrival's time-stamped readings, shared by its retries
 * @param connectedAt when the broker connection that delivered it was established, epoch ms; 0 when not delivered
 *                    from a broker session (CoAP) or not known. What the broker had queued for the gateway's session
 *                    arrives soon after, and was published before
 */
public record Inbound(Protocol protocol, String source, String deviceId, String contentType, byte[] payload,
                      long receivedAt, boolean redelivered, StoreTimes storeTimes, long connectedAt) {

    public Inbound {
        storeTimes = storeTimes == null ? new StoreTimes() : storeTimes;
    }

    public Inbound(Protocol protocol, String source, String deviceId, String contentType, byte[] payload,
                   long receivedAt, boolean redelivered, StoreTimes storeTimes) {
        this(protocol, source, deviceId, contentType, payload, receivedAt, redelivered, storeTimes, 0);
    }

    public Inbound(Protocol protocol, String source, String deviceId, String contentType, byte[] payload,
                   long receivedAt, boolean redelivered) {
        this(protocol, source, deviceId, contentType, payload, receivedAt, redelivered, new StoreTimes());
    }

    /** A first delivery. */
    public Inbound(Protocol protocol, String source, String deviceId, String contentType, byte[] payload,
                   long receivedAt) {
        this(protocol, source, deviceId, contentType, payload, receivedAt, false);
    }

    public static Inbound now(Protocol protocol, String source, String deviceId, String contentType, byte[] payload) {
        return new Inbound(protocol, source, deviceId, contentType, payload == null ? new byte[0] : payload,
                System.currentTimeMillis());
    }

    /** The same inbound without its bytes, for dead letters of payloads that hold personal data. */
    public Inbound withoutPayload() {
        return new Inbound(protocol, source, deviceId, contentType, new byte[0], receivedAt, redelivered, storeTimes,
                connectedAt);
    }

    /** The same inbound, marked as delivered before (or not). */
    public Inbound withRedelivered(boolean again) {
        return new Inbound(protocol, source, deviceId, contentType, payload, receivedAt, again, storeTimes,
                connectedAt);
    }

    /** The same inbound, delivered on a broker connection established at {@code at} (epoch ms). */
    public Inbound withConnectedAt(long at) {
        return new Inbound(protocol, source, deviceId, contentType, payload, receivedAt, redelivered, storeTimes, at);
    }
}

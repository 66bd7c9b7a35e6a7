package io.vigil.common;

/**
 * A payload the gateway refused, published on {@code vigil.deadletter} so nothing is silently dropped.
 *
 * @param source     where it came from: the MQTT topic or the CoAP URI path
 * @param deviceId   the device the transport identified, or null if unknown
 * @param payload    the original bytes, unchanged (Base64 in JSON)
 * @param receivedAt gateway receive time (epoch ms)
 */
public record DeadLetter(
        Protocol protocol,
        String source,
        String deviceId,
        RejectReason reason,
        String detail,
        String contentType,
        byte[] payload,
        long receivedAt) {}

package io.vigil.common.codec;

import io.vigil.common.Protocol;
import java.util.Objects;

/**
 * What the transport knows about a payload before it is decoded.
 *
 * @param deviceId    the device the transport identified (from the MQTT topic or CoAP URI); payloads must match it
 * @param protocol    the transport
 * @param receiveTime gateway receive time, epoch ms; also "now" for SenML relative times
 */
public record DecodeContext(String deviceId, Protocol protocol, long receiveTime) {
    public DecodeContext {
        // Every reading carries the device id; a transport that cannot name the device must refuse the payload
        // (BAD_ADDRESS) before decoding it.
        Objects.requireNonNull(deviceId, "deviceId");
    }
}

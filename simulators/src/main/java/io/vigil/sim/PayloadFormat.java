package io.vigil.sim;

import io.vigil.common.codec.Payloads;

/** How a simulated device encodes its readings, and how it declares that on MQTT 5 and CoAP. */
public enum PayloadFormat {
    /** Vigil's plain reading: {@code {"metric":..,"value":..,"unit":..,"time":..,"zone":..,"site":..}}. */
    JSON(Payloads.JSON, Payloads.COAP_JSON),
    /** SenML JSON (RFC 8428) pack of one record; carries no zone or site, so the gateway's registry decides. */
    SENML_JSON(Payloads.SENML_JSON, Payloads.COAP_SENML_JSON);

    private final String mediaType;
    private final int coapContentFormat;

    PayloadFormat(String mediaType, int coapContentFormat) {
        this.mediaType = mediaType;
        this.coapContentFormat = coapContentFormat;
    }

    /** The MQTT 5 content-type property. */
    public String mediaType() {
        return mediaType;
    }

    /** The CoAP Content-Format option. */
    public int coapContentFormat() {
        return coapContentFormat;
    }
}

package io.vigil.sim;

/** The outcome of one send, reported once, from whichever thread learns it. */
interface Delivery {
    /** The gateway (CoAP 2.04) or broker (MQTT PUBACK) took the reading. */
    void acknowledged();

    /** The reading was refused or lost; {@code reason} says why, for the operator. */
    void failed(String reason);
}

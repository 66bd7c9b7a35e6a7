package io.vigil.common;

/** The transport a reading arrived over. */
public enum Protocol {
    MQTT,
    COAP,
    FILE,
    UNKNOWN
}

package io.vigil.common.rfid;

/** The wire format a tag read arrived in (see docs/rfid.md). */
public enum TagFormat {
    /** Vigil's own documented JSON: {@code {"tag":"...","antenna":1,"rssi":-52.5,"time":...}}. */
    VIGIL,
    /** Zebra FX-series IoT Connector tag event: {@code {"type":...,"timestamp":...,"data":{"idHex":...}}}. */
    ZEBRA,
    /** Impinj IoT Device Interface event: {@code {"eventType":"tagInventory","tagInventoryEvent":{...}}}. */
    IMPINJ
}

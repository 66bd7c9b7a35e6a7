package io.vigil.common;

/** Kafka topic and MQTT topic names shared by every process. */
public final class Topics {
    /** Canonical readings, keyed by device id. */
    public static final String READINGS = "vigil.readings";
    /** Canonical RFID tag reads ({@link io.vigil.common.rfid.TagRead}), keyed by reader id. */
    public static final String TAGREADS = "vigil.tagreads";
    /** Rejected payloads with the original bytes and a reason code. */
    public static final String DEADLETTER = "vigil.deadletter";
    /** Every incident transition: the system of record for alerts. */
    public static final String ALERTS = "vigil.alerts";
    /** Acknowledgements and rule updates ({@link io.vigil.common.incident.ControlMessage}). */
    public static final String CONTROL = "vigil.control";
    /** Who did what to the system, for supervisors ({@link io.vigil.common.incident.AuditEvent}). */
    public static final String AUDIT = "vigil.audit";
    /** MQTT topics duty officers acknowledge on: {@code vigil/ack/{incidentId}}. */
    public static final String MQTT_ACK_PREFIX = "vigil/ack/";

    /** MQTT topics devices publish readings to: {@code vigil/readings/{deviceId}}. */
    public static final String MQTT_READINGS_PREFIX = "vigil/readings/";
    /** MQTT topics RFID readers publish tag reads to: {@code vigil/tagreads/{readerId}}. */
    public static final String MQTT_TAGREADS_PREFIX = "vigil/tagreads/";
    /**
     * MQTT topics the gateway tells a device why its payload was refused on: {@code vigil/rejections/{deviceId}},
     * readable by that device only (see {@link io.vigil.common.registry.MosquittoAccess}).
     */
    public static final String MQTT_REJECTIONS_PREFIX = "vigil/rejections/";
    /** Shared subscription group that lets several gateways split the device topic tree. */
    public static final String MQTT_SHARED_GROUP = "vigil";
    /**
     * MQTT topics alerts are published to, retained: {@code vigil/alerts/{zone}/{rule}/{subject}}. The subject
     * level keeps one retained state per incident; two devices of one zone under one rule would otherwise
     * overwrite each other's state. Subscribe to {@code vigil/alerts/{zone}/{rule}/#} for a whole rule.
     */
    public static final String MQTT_ALERTS_PREFIX = "vigil/alerts/";

    private Topics() {}

    public static String mqttAlertTopic(String zone, String ruleId, String subject) {
        return MQTT_ALERTS_PREFIX + zone + "/" + ruleId + "/" + subject;
    }
}

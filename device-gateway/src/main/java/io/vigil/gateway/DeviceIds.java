package io.vigil.gateway;

import java.util.regex.Pattern;

/**
 * What the transports accept as a device id: it becomes a Kafka key, an InfluxDB tag and part of MQTT alert
 * topics, so wildcards, separators, whitespace and control characters are refused.
 */
public final class DeviceIds {
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[^/+#\\s\\p{Cntrl}]{1," + MAX_LENGTH + "}");

    private DeviceIds() {}

    public static boolean isValid(String deviceId) {
        return deviceId != null && VALID.matcher(deviceId).matches();
    }

    /** The device of a topic {@code vigil/readings/{deviceId}}, or null if the topic does not fit that scheme. */
    public static String ofMqttTopic(String prefix, String topic) {
        if (topic == null || !topic.startsWith(prefix)) {
            return null;
        }
        String deviceId = topic.substring(prefix.length());
        return isValid(deviceId) ? deviceId : null;
    }
}

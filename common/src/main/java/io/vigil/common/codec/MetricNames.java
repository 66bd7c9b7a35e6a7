package io.vigil.common.codec;

import io.vigil.common.RejectReason;

/**
 * Rules for metric names. The character set is SenML's (RFC 8428 §4.5.1), applied to every format: names end up in
 * InfluxDB series, MQTT alert topics and Alertmanager labels, where spaces, '+', '#' or control characters break things.
 */
final class MetricNames {
    static final int MAX_LENGTH = 256;

    private MetricNames() {}

    /** Checks a full name; {@code field} names the payload field it came from, for the rejection detail. */
    static void check(String name, String field) throws RecordRefused {
        if (name.isEmpty()) {
            throw new RecordRefused(RejectReason.MISSING_FIELD, "field '" + field + "' is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new RecordRefused(RejectReason.INVALID_VALUE,
                    "name in field '" + field + "' is longer than " + MAX_LENGTH + " characters");
        }
        if (!isAlphanumeric(name.charAt(0))) {
            throw new RecordRefused(RejectReason.INVALID_VALUE,
                    "name '" + name + "' must start with a letter or digit");
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlphanumeric(c) && !isSeparator(c)) {
                throw new RecordRefused(RejectReason.INVALID_VALUE,
                        "name '" + name + "' may only hold letters, digits and - : . / _");
            }
        }
    }

    /**
     * The metric a SenML name denotes for a device: devices commonly put their own id into the base name
     * ("gauge-7/level"), which must not end up in the metric because the reading already carries the device id.
     * Returns the name unchanged unless it starts with the device id followed by a separator.
     */
    static String stripDevicePrefix(String name, String deviceId) throws RecordRefused {
        int idLength = deviceId.length();
        if (name.length() <= idLength || !name.startsWith(deviceId) || !isSeparator(name.charAt(idLength))) {
            return name;
        }
        if (name.length() == idLength + 1) {
            throw new RecordRefused(RejectReason.MISSING_FIELD,
                    "name '" + name + "' names the device but no metric");
        }
        return name.substring(idLength + 1);
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isSeparator(char c) {
        return c == '-' || c == ':' || c == '.' || c == '/' || c == '_';
    }
}

package io.vigil.common.rfid;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.RejectReason;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.rfid.TagReadDecoder.Refused;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/** The three event layouts, each recognised by its own fields and mapped to one {@link TagRead}. */
final class TagEventFormats {
    static final int MAX_ANTENNA = 1024;
    /** Readers report roughly -100..-20 dBm; beyond these bounds a value is a unit mistake, not a signal. */
    static final double MIN_RSSI_DBM = -150;
    static final double MAX_RSSI_DBM = 30;
    static final long LATEST_TIME = 253_402_300_799_999L;
    private static final Pattern TAG_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern HEX = Pattern.compile("([0-9A-Fa-f]{2}){1,64}");
    /** Zebra writes offsets without a colon ({@code +0000}), which ISO_OFFSET_DATE_TIME does not take. */
    private static final Pattern COLONLESS_OFFSET = Pattern.compile("([+-]\\d{2})(\\d{2})$");

    private TagEventFormats() {}

    /** The read in {@code event}, or null for an event that is valid but carries no tag read. */
    static TagRead read(JsonNode event, DecodeContext context) throws Refused {
        if (!event.isObject()) {
            throw new Refused(RejectReason.WRONG_TYPE, "event is " + describe(event) + ", expected an object");
        }
        if (event.has("eventType")) {
            return impinj(event, context);
        }
        if (event.has("data") && event.has("type")) {
            return zebra(event, context);
        }
        return vigil(event, context);
    }

    /** {@code {"reader":"dock-1","tag":"E280...","antenna":2,"rssi":-61.5,"reads":3,"time":1764300000000}}. */
    private static TagRead vigil(JsonNode e, DecodeContext c) throws Refused {
        String reader = optionalText(e, "reader");
        if (reader != null && !reader.equals(c.deviceId())) {
            throw new Refused(RejectReason.DEVICE_MISMATCH,
                    "field 'reader' is '" + reader + "' but the transport identified '" + c.deviceId() + "'");
        }
        String tag = requiredText(e, "tag");
        if (!TAG_ID.matcher(tag).matches()) {
            throw new Refused(RejectReason.INVALID_VALUE,
                    "field 'tag' must be 1..128 letters, digits or . _ : -");
        }
        return new TagRead(c.deviceId(), antenna(e, "antenna"), tag, rssi(e, "rssi", 1), count(e, "reads"),
                time(e, "time", c), c.receiveTime(), c.protocol(), TagFormat.VIGIL, null);
    }

    private static TagRead zebra(JsonNode e, DecodeContext c) throws Refused {
        JsonNode data = e.get("data");
        if (!data.isObject()) {
            throw new Refused(RejectReason.WRONG_TYPE, "field 'data' is " + describe(data) + ", expected an object");
        }
        String tag = hex(data, "data.idHex", requiredText(data, "idHex"));
        return new TagRead(c.deviceId(), antenna(data, "antenna"), tag, rssi(data, "peakRssi", 1),
                count(data, "reads"), time(e, "timestamp", c), c.receiveTime(), c.protocol(), TagFormat.ZEBRA, null);
    }

    private static TagRead impinj(JsonNode e, DecodeContext c) throws Refused {
        JsonNode type = e.get("eventType");
        if (!type.isTextual()) {
            throw new Refused(RejectReason.WRONG_TYPE, "field 'eventType' is " + describe(type) + ", expected a string");
        }
        if (!"tagInventory".equals(type.asText())) {
            return null;
        }
        JsonNode inv = e.get("tagInventoryEvent");
        if (inv == null || inv.isNull()) {
            throw new Refused(RejectReason.MISSING_FIELD, "field 'tagInventoryEvent' is missing");
        }
        if (!inv.isObject()) {
            throw new Refused(RejectReason.WRONG_TYPE,
                    "field 'tagInventoryEvent' is " + describe(inv) + ", expected an object");
        }
        String tag = hex(inv, "tagInventoryEvent.epcHex", requiredText(inv, "epcHex"));
        return new TagRead(c.deviceId(), antenna(inv, "antennaPort"), tag, rssi(inv, "peakRssiCdbm", 100), 1,
                time(e, "timestamp", c), c.receiveTime(), c.protocol(), TagFormat.IMPINJ, null);
    }

    private static String hex(JsonNode parent, String field, String value) throws Refused {
        if (!HEX.matcher(value).matches()) {
            throw new Refused(RejectReason.INVALID_VALUE, "field '" + field + "' must be whole bytes of hex digits");
        }
        // Readers differ in case; one tag must have one id whoever read it.
        return value.toUpperCase(Locale.ROOT);
    }

    private static int antenna(JsonNode e, String field) throws Refused {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw new Refused(RejectReason.WRONG_TYPE, "field '" + field + "' is " + describe(v) + ", expected an integer");
        }
        double n = v.asDouble();
        if (n < 1 || n > MAX_ANTENNA) {
            throw new Refused(RejectReason.INVALID_VALUE, "field '" + field + "' must be 1.." + MAX_ANTENNA + ": " + v);
        }
        return (int) n;
    }

    private static Double rssi(JsonNode e, String field, double perDbm) throws Refused {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new Refused(RejectReason.WRONG_TYPE, "field '" + field + "' is " + describe(v) + ", expected a number");
        }
        double dbm = v.asDouble() / perDbm;
        if (!Double.isFinite(dbm) || dbm < MIN_RSSI_DBM || dbm > MAX_RSSI_DBM) {
            throw new Refused(RejectReason.INVALID_VALUE, "field '" + field + "' is " + dbm + " dBm, outside "
                    + MIN_RSSI_DBM + ".." + MAX_RSSI_DBM);
        }
        return dbm;
    }

    private static int count(JsonNode e, String field) throws Refused {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return 1;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw new Refused(RejectReason.INVALID_VALUE, "field '" + field + "' must be a positive integer: " + v);
        }
        return v.asInt();
    }

    private static long time(JsonNode e, String field, DecodeContext c) throws Refused {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return c.receiveTime();
        }
        long millis;
        if (v.isNumber()) {
            double d = v.asDouble();
            if (!Double.isFinite(d) || d < 0 || d > LATEST_TIME) {
                throw new Refused(RejectReason.INVALID_TIME, "field '" + field + "' is out of range: " + v);
            }
            return Math.round(d);
        }
        if (!v.isTextual()) {
            throw new Refused(RejectReason.WRONG_TYPE,
                    "field '" + field + "' is " + describe(v) + ", expected epoch ms or an ISO-8601 string");
        }
        try {
            millis = Instant.parse(v.asText()).toEpochMilli();
        } catch (DateTimeException | ArithmeticException first) {
            try {
                String colon = COLONLESS_OFFSET.matcher(v.asText()).replaceFirst("$1:$2");
                millis = OffsetDateTime.parse(colon, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeException | ArithmeticException second) {
                throw new Refused(RejectReason.INVALID_TIME,
                        "field '" + field + "' is not an ISO-8601 time with offset: '" + v.asText() + "'");
            }
        }
        if (millis < 0 || millis > LATEST_TIME) {
            throw new Refused(RejectReason.INVALID_TIME, "field '" + field + "' is out of range: " + v.asText());
        }
        return millis;
    }

    private static String requiredText(JsonNode e, String field) throws Refused {
        JsonNode v = e.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
            throw new Refused(RejectReason.MISSING_FIELD, "field '" + field + "' is missing");
        }
        if (!v.isTextual()) {
            throw new Refused(RejectReason.WRONG_TYPE, "field '" + field + "' is " + describe(v) + ", expected a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode e, String field) throws Refused {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Refused(RejectReason.WRONG_TYPE, "field '" + field + "' is " + describe(v) + ", expected a string");
        }
        return v.asText().isEmpty() ? null : v.asText();
    }

    static String describe(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        return v.isNull() ? "null" : "an unsupported value";
    }
}

package io.vigil.gateway.ack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.RejectReason;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.serde.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what an officer sent ({@code {"by":"...","comment":"..."}} for an incident id taken from the URL or topic)
 * into an {@link Acknowledgement}, or refuses it with a typed reason. One place, so HTTP and MQTT accept exactly the
 * same thing.
 */
public final class AcknowledgementRequests {
    public static final int MAX_BODY_BYTES = 4096;
    public static final int MAX_INCIDENT_ID = 256;
    public static final int MAX_BY = 100;
    public static final int MAX_COMMENT = 1000;
    /**
     * Incident ids are {@code rule:subject:metric:start}; like device ids they end up as Kafka keys, InfluxDB tags
     * and MQTT topic levels, so MQTT wildcards, separators, whitespace and control characters cannot be part of one.
     */
    private static final Pattern INCIDENT_ID = Pattern.compile("[^/+#\\s\\p{Cntrl}]{1," + MAX_INCIDENT_ID + "}");
    private static final Pattern NO_CONTROL = Pattern.compile("[^\\p{Cntrl}]*");
    private static final Set<String> FIELDS = Set.of("by", "comment");

    private AcknowledgementRequests() {}

    public static boolean isIncidentId(String id) {
        return id != null && INCIDENT_ID.matcher(id).matches();
    }

    /** @param at when it was received (epoch ms) */
    public static Acknowledgement parse(String incidentId, byte[] body, String source, long at)
            throws InvalidAcknowledgement {
        if (!isIncidentId(incidentId)) {
            throw new InvalidAcknowledgement(RejectReason.BAD_ADDRESS, "incident id must be 1.." + MAX_INCIDENT_ID
                    + " characters without '/', '+', '#', whitespace or control characters");
        }
        if (body == null || body.length == 0) {
            throw new InvalidAcknowledgement(RejectReason.EMPTY, "body must be JSON like {\"by\":\"duty officer\"}");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new InvalidAcknowledgement(RejectReason.TOO_LARGE,
                    "body of " + body.length + " bytes exceeds " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidAcknowledgement(RejectReason.MALFORMED, "body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidAcknowledgement(RejectReason.MALFORMED, "body is not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidAcknowledgement(RejectReason.WRONG_TYPE, "body must be a JSON object");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidAcknowledgement(RejectReason.WRONG_TYPE,
                        "unknown field '" + name + "'; an acknowledgement has 'by' and 'comment'");
            }
        }
        String by = text(json, "by", MAX_BY);
        if (by == null || by.isBlank()) {
            throw new InvalidAcknowledgement(RejectReason.MISSING_FIELD, "'by' (who acknowledges) is required");
        }
        String comment = text(json, "comment", MAX_COMMENT);
        return new Acknowledgement(incidentId, by.strip(), at, comment == null ? "" : comment, source);
    }

    private static String text(JsonNode json, String field, int maxLength) throws InvalidAcknowledgement {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidAcknowledgement(RejectReason.WRONG_TYPE, "'" + field + "' must be a string");
        }
        String value = node.textValue();
        if (value.length() > maxLength) {
            throw new InvalidAcknowledgement(RejectReason.TOO_LARGE,
                    "'" + field + "' is longer than " + maxLength + " characters");
        }
        if (!NO_CONTROL.matcher(value).matches()) {
            throw new InvalidAcknowledgement(RejectReason.INVALID_VALUE,
                    "'" + field + "' must not contain control characters");
        }
        return value;
    }
}

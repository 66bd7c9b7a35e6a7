package io.vigil.gateway.coap;

import io.vigil.common.Rejection;
import io.vigil.gateway.IngestOutcome;
import io.vigil.gateway.ReadingInFlight;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/** The one place that decides which CoAP response a device gets for what became of its payload. */
public final class CoapResponses {
    private CoapResponses() {}

    /** Max-Age of a 5.03: when a device should try again (RFC 7252 5.9.3.4), about one Kafka ack timeout. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** A response code and its diagnostic text (null for none). */
    public record Reply(ResponseCode code, String text) {}

    /**
     * @param outcome what Kafka acknowledged, or null when it failed
     * @param failure why the payload could not be stored, or null
     */
    public static Reply reply(IngestOutcome outcome, Throwable failure) {
        if (failure != null) {
            Throwable cause = unwrap(failure);
            if (cause instanceof KafkaException || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof ReadingInFlight) {
                return new Reply(ResponseCode.SERVICE_UNAVAILABLE, "readings store unavailable, retry later");
            }
            return new Reply(ResponseCode.INTERNAL_SERVER_ERROR, cause.getClass().getSimpleName());
        }
        if (!outcome.refused()) {
            // partly rejected SenML packs too: the good records are stored, the bad ones are on the dead-letter topic
            return new Reply(ResponseCode.CHANGED, null);
        }
        Rejection first = outcome.rejections().get(0);
        String text = first.reason() + ": " + first.detail();
        return switch (first.reason()) {
            case TOO_LARGE -> new Reply(ResponseCode.REQUEST_ENTITY_TOO_LARGE, text);
            case UNSUPPORTED_FORMAT -> new Reply(ResponseCode.UNSUPPORTED_CONTENT_FORMAT, text);
            case BAD_ADDRESS -> new Reply(ResponseCode.NOT_FOUND, text);
            case UNKNOWN_DEVICE, DEVICE_REVOKED -> new Reply(ResponseCode.UNAUTHORIZED, text);
            case DEVICE_MISMATCH, METRIC_NOT_ALLOWED -> new Reply(ResponseCode.FORBIDDEN, text);
            case RATE_LIMITED -> new Reply(ResponseCode.TOO_MANY_REQUESTS, text);
            default -> new Reply(ResponseCode.BAD_REQUEST, text);
        };
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

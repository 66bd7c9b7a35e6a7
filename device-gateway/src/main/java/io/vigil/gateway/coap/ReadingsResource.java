package io.vigil.gateway.coap;

import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.codec.Payloads;
import io.vigil.gateway.DeviceIds;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import io.vigil.gateway.IngestOutcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /readings/{deviceId}}. Every path below {@code /readings} resolves here (devices are not resources
 * of their own), so a malformed device path is dead-lettered as BAD_ADDRESS instead of vanishing in a 4.04.
 */
final class ReadingsResource extends CoapResource {
    static final String NAME = "readings";
    private static final Logger LOG = LoggerFactory.getLogger(ReadingsResource.class);
    private final Ingest ingest;

    ReadingsResource(Ingest ingest) {
        super(NAME);
        this.ingest = ingest;
        getAttributes().setTitle("POST readings to /readings/{deviceId}");
    }

    @Override
    public Resource getChild(String name) {
        return this;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        try {
            // the reply waits for Kafka; an empty ACK now stops the client from retransmitting meanwhile
            exchange.accept();
            store(exchange).whenComplete((outcome, failure) -> {
                CoapResponses.Reply reply = CoapResponses.reply(outcome, failure);
                if (failure != null) {
                    LOG.warn("CoAP payload from {} not stored: {}", exchange.getSourceSocketAddress(), failure.toString());
                }
                exchange.respond(reply.code(), reply.text() == null ? new byte[0] : reply.text().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8), MediaTypeRegistry.TEXT_PLAIN);
            });
        } catch (RuntimeException e) {
            LOG.error("CoAP request from {} failed", exchange.getSourceSocketAddress(), e);
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR);
        }
    }

    private CompletableFuture<IngestOutcome> store(CoapExchange exchange) {
        OptionSet options = exchange.getRequestOptions();
        List<String> path = options.getUriPath();
        String source = "/" + options.getUriPathString();
        String deviceId = path.size() == 2 && DeviceIds.isValid(path.get(1)) ? path.get(1) : null;
        boolean declared = options.hasContentFormat();
        String mediaType = declared ? Payloads.mediaTypeOfCoapFormat(options.getContentFormat()) : null;
        Inbound in = Inbound.now(Protocol.COAP, source, deviceId,
                declared && mediaType == null ? MediaTypeRegistry.toString(options.getContentFormat()) : mediaType,
                exchange.getRequestPayload());
        if (deviceId == null) {
            return ingest.reject(in, Rejection.of(RejectReason.BAD_ADDRESS,
                    "path does not fit /" + NAME + "/{deviceId}: " + source));
        }
        if (declared && mediaType == null) {
            return ingest.reject(in, Rejection.of(RejectReason.UNSUPPORTED_FORMAT,
                    "content format " + options.getContentFormat() + " (" + in.contentType() + ") is not accepted"));
        }
        return ingest.ingest(in);
    }
}

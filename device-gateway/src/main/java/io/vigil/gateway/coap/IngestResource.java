package io.vigil.gateway.coap;

import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.codec.Payloads;
import io.vigil.gateway.DeviceIds;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import io.vigil.gateway.IngestOutcome;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /{name}/{deviceId}}: {@code /readings/{deviceId}} and {@code /tagreads/{readerId}}. Every path below
 * {@code /{name}} resolves here (devices are not resources of their own), so a malformed device path is
 * dead-lettered as BAD_ADDRESS instead of vanishing in a 4.04. Over CoAPS the device is the one the DTLS handshake
 * authenticated: a path naming another device is DEVICE_MISMATCH (4.03), like MQTT anti-spoofing.
 */
public final class IngestResource extends CoapResource {
    private static final Logger LOG = LoggerFactory.getLogger(IngestResource.class);
    private final String name;
    private final Ingest ingest;
    private final Function<Inbound, CompletableFuture<IngestOutcome>> store;
    private final IntFunction<String> mediaTypeOfFormat;
    private final boolean personalData;

    /**
     * @param mediaTypeOfFormat the media type of an accepted CoAP Content-Format, null for any other
     * @param personalData      payloads may hold personal data: dead letters of refused addresses keep no bytes
     */
    public IngestResource(String name, Ingest ingest, Function<Inbound, CompletableFuture<IngestOutcome>> store,
                          IntFunction<String> mediaTypeOfFormat, boolean personalData) {
        super(name);
        this.name = name;
        this.ingest = ingest;
        this.store = store;
        this.mediaTypeOfFormat = mediaTypeOfFormat;
        this.personalData = personalData;
        getAttributes().setTitle("POST to /" + name + "/{deviceId}");
    }

    static IngestResource readings(Ingest ingest) {
        return new IngestResource("readings", ingest, ingest::ingest, Payloads::mediaTypeOfCoapFormat, false);
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
                Response response = new Response(reply.code());
                if (reply.text() != null) {
                    response.setPayload(reply.text());
                    response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
                }
                if (reply.code() == ResponseCode.SERVICE_UNAVAILABLE) {
                    response.getOptions().setMaxAge(CoapResponses.RETRY_AFTER_SECONDS);
                }
                exchange.respond(response);
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
        String mediaType = declared ? mediaTypeOfFormat.apply(options.getContentFormat()) : null;
        Inbound in = Inbound.now(Protocol.COAP, source, deviceId,
                declared && mediaType == null ? MediaTypeRegistry.toString(options.getContentFormat()) : mediaType,
                exchange.getRequestPayload());
        Inbound kept = personalData ? in.withoutPayload() : in;
        if (deviceId == null) {
            return ingest.reject(kept, Rejection.of(RejectReason.BAD_ADDRESS,
                    "path does not fit /" + name + "/{deviceId}: " + source));
        }
        String identity = dtlsIdentity(exchange);
        if (identity != null && !identity.equals(deviceId)) {
            // attributed to the authenticated sender, not to the device it tried to speak for
            Inbound sender = new Inbound(kept.protocol(), source, identity, kept.contentType(), kept.payload(),
                    kept.receivedAt());
            return ingest.reject(sender, Rejection.of(RejectReason.DEVICE_MISMATCH, "DTLS identity '" + identity
                    + "' may post only to /" + name + "/" + identity + ", not " + source));
        }
        if (declared && mediaType == null) {
            return ingest.reject(kept, Rejection.of(RejectReason.UNSUPPORTED_FORMAT,
                    "content format " + options.getContentFormat() + " (" + in.contentType() + ") is not accepted"));
        }
        return store.apply(in);
    }

    /** The PSK identity the DTLS handshake authenticated, or null on plain CoAP. */
    private static String dtlsIdentity(CoapExchange exchange) {
        Principal peer = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        return peer instanceof PreSharedKeyIdentity psk ? psk.getIdentity() : null;
    }
}

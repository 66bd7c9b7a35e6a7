package io.vigil.gateway.coap;

import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.Ingest;
import java.net.InetSocketAddress;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/** Plain CoAP (UDP) server on coapHost:coapPort with the {@code /readings/{deviceId}} resource and any others given. */
public final class CoapIngest implements AutoCloseable {
    private final CoapServer server;
    private final CoapEndpoint endpoint;

    private CoapIngest(CoapServer server, CoapEndpoint endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    public static CoapIngest start(GatewayConfig config, Ingest ingest) {
        return start(config, ingest, java.util.List.of());
    }

    /** With further resources next to {@code /readings}, such as {@code /tagreads}. */
    public static CoapIngest start(GatewayConfig config, Ingest ingest, java.util.List<IngestResource> more) {
        Configuration coap = configuration(config.maxPayloadBytes());
        CoapServer server = new CoapServer(coap);
        CoapEndpoint endpoint = new CoapEndpoint.Builder()
                .setConfiguration(coap)
                .setInetSocketAddress(new InetSocketAddress(config.coapHost(), config.coapPort()))
                .build();
        server.addEndpoint(endpoint);
        server.add(IngestResource.readings(ingest));
        more.forEach(server::add);
        server.start();
        return new CoapIngest(server, endpoint);
    }

    /**
     * Block-wise uploads are reassembled up to twice the payload limit, so a payload somewhat over the limit still
     * reaches the resource and is dead-lettered as TOO_LARGE; beyond that Californium answers 4.13 itself and
     * never buffers it.
     */
    static Configuration configuration(int maxPayloadBytes) {
        CoapConfig.register();
        UdpConfig.register();
        // createStandardWithoutFile: the plain standard configuration would write Californium3.properties to the cwd
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 2 * maxPayloadBytes);
        return c;
    }

    /** The bound UDP port (the real one when coapPort was 0). */
    public int port() {
        return endpoint.getAddress().getPort();
    }

    @Override
    public void close() {
        server.destroy();
    }
}

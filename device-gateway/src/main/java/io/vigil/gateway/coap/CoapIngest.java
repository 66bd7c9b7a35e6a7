package io.vigil.gateway.coap;

import io.vigil.common.registry.DeviceRegistry;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.Ingest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * The CoAP server with the {@code /readings/{deviceId}} resource and any others given, on up to two endpoints:
 * CoAPS (DTLS with a pre-shared key per device from the registry) whenever a registry is configured, and plain
 * CoAP (UDP) without a registry (development) or when {@code coapPlain} enables it explicitly.
 */
public final class CoapIngest implements AutoCloseable {
    private final CoapServer server;
    private final CoapEndpoint plain;
    private final CoapEndpoint secure;

    private CoapIngest(CoapServer server, CoapEndpoint plain, CoapEndpoint secure) {
        this.server = server;
        this.plain = plain;
        this.secure = secure;
    }

    public static CoapIngest start(GatewayConfig config, Ingest ingest) {
        return start(config, ingest, List.of(), null);
    }

    /**
     * @param more     further resources next to {@code /readings}, such as {@code /tagreads}
     * @param registry the device registry for DTLS keys, or null for none (plain CoAP only)
     */
    public static CoapIngest start(GatewayConfig config, Ingest ingest, List<IngestResource> more,
                                   Supplier<DeviceRegistry> registry) {
        Configuration coap = configuration(config.maxPayloadBytes());
        CoapServer server = new CoapServer(coap);
        CoapEndpoint plain = null;
        CoapEndpoint secure = null;
        if (registry == null || config.coapPlain()) {
            plain = new CoapEndpoint.Builder()
                    .setConfiguration(coap)
                    .setInetSocketAddress(new InetSocketAddress(config.coapHost(), config.coapPort()))
                    .build();
            server.addEndpoint(plain);
        }
        if (registry != null) {
            WrongKeyAlerts wrongKeys = new WrongKeyAlerts();
            DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(coap)
                    .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                    .setAddress(new InetSocketAddress(config.coapHost(), config.coapsPort()))
                    .setAdvancedPskStore(new RegistryPskStore(registry))
                    .setConnectionListener(wrongKeys)
                    .build();
            DTLSConnector connector = new DTLSConnector(dtls);
            wrongKeys.attach(connector);
            secure = new CoapEndpoint.Builder()
                    .setConfiguration(coap)
                    .setConnector(connector)
                    .build();
            server.addEndpoint(secure);
        }
        server.add(IngestResource.readings(ingest));
        more.forEach(server::add);
        server.start();
        return new CoapIngest(server, plain, secure);
    }

    /**
     * Block-wise uploads are reassembled up to twice the payload limit, so a payload somewhat over the limit still
     * reaches the resource and is dead-lettered as TOO_LARGE; beyond that Californium answers 4.13 itself and
     * never buffers it.
     */
    static Configuration configuration(int maxPayloadBytes) {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        // createStandardWithoutFile: the plain standard configuration would write Californium3.properties to the cwd
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 2 * maxPayloadBytes);
        return c;
    }

    /** The bound UDP port of plain CoAP (the real one when coapPort was 0), or -1 when plain CoAP is off. */
    public int port() {
        return plain == null ? -1 : plain.getAddress().getPort();
    }

    /** The bound UDP port of CoAPS, or -1 when there is no registry to take keys from. */
    public int securePort() {
        return secure == null ? -1 : secure.getAddress().getPort();
    }

    @Override
    public void close() {
        server.destroy();
    }
}

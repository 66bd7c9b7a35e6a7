package io.vigil.sim;

import io.vigil.stack.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import io.vigil.common.registry.Secrets;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * A real Californium server on a loopback port with a {@code readings} resource whose children are device ids,
 * standing in for the gateway's CoAP side: it records every POST and answers 2.04, or 4.00 for refused devices.
 * Given pre-shared keys it listens with DTLS instead and records the identity each request authenticated with.
 */
final class RecordingCoapGateway implements AutoCloseable {
    /** @param identity the DTLS PSK identity, null over plain CoAP */
    record Received(String path, Integer contentFormat, byte[] payload, String identity) {}

    private final CoapServer server;
    private final int port;
    private final boolean secure;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final Set<String> refusedDevices = ConcurrentHashMap.newKeySet();

    RecordingCoapGateway() {
        this(null);
    }

    /** @param pskByIdentity DTLS keys (registry key text) by device id; null for plain CoAP */
    RecordingCoapGateway(Map<String, String> pskByIdentity) {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        port = FreePorts.udp();
        secure = pskByIdentity != null;
        server = new CoapServer(config);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        if (secure) {
            AdvancedMultiPskStore keys = new AdvancedMultiPskStore();
            pskByIdentity.forEach((id, key) -> keys.setKey(id, Secrets.dtlsKey(key)));
            server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                    .setConnector(new DTLSConnector(DtlsConnectorConfig.builder(config)
                            .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                            .setAddress(address).setAdvancedPskStore(keys).build()))
                    .build());
        } else {
            server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(address).build());
        }
        server.add(new Readings());
        server.start();
    }

    String uri() {
        return (secure ? "coaps" : "coap") + "://127.0.0.1:" + port;
    }

    void refuse(String deviceId) {
        refusedDevices.add(deviceId);
    }

    /** What arrived for devices whose id starts with {@code prefix}. */
    List<Received> from(String prefix) {
        return received.stream().filter(r -> r.path().startsWith("readings/" + prefix)).toList();
    }

    private static String identity(CoapExchange exchange) {
        return exchange.advanced().getRequest().getSourceContext().getPeerIdentity()
                instanceof PreSharedKeyIdentity psk ? psk.getIdentity() : null;
    }

    @Override
    public void close() {
        server.destroy();
    }

    private final class Readings extends CoapResource {
        Readings() {
            super(CoapTransport.READINGS_PATH);
        }

        @Override
        public Resource getChild(String deviceId) {
            CoapResource device = new CoapResource(deviceId) {
                @Override
                public void handlePOST(CoapExchange exchange) {
                    received.add(new Received(exchange.advanced().getRequest().getOptions().getUriPathString(),
                            exchange.getRequestOptions().hasContentFormat()
                                    ? exchange.getRequestOptions().getContentFormat() : null,
                            exchange.getRequestPayload(), identity(exchange)));
                    exchange.respond(refusedDevices.contains(deviceId) ? ResponseCode.BAD_REQUEST : ResponseCode.CHANGED);
                }
            };
            device.setParent(this);
            return device;
        }
    }
}

package io.vigil.sim;

import io.vigil.stack.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
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
 */
final class RecordingCoapGateway implements AutoCloseable {
    record Received(String path, Integer contentFormat, byte[] payload) {}

    private final CoapServer server;
    private final int port;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final Set<String> refusedDevices = ConcurrentHashMap.newKeySet();

    RecordingCoapGateway() {
        CoapConfig.register();
        UdpConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        port = FreePorts.udp();
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder()
                .setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .build());
        server.add(new Readings());
        server.start();
    }

    String uri() {
        return "coap://127.0.0.1:" + port;
    }

    void refuse(String deviceId) {
        refusedDevices.add(deviceId);
    }

    /** What arrived for devices whose id starts with {@code prefix}. */
    List<Received> from(String prefix) {
        return received.stream().filter(r -> r.path().startsWith("readings/" + prefix)).toList();
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
                            exchange.getRequestPayload()));
                    exchange.respond(refusedDevices.contains(deviceId) ? ResponseCode.BAD_REQUEST : ResponseCode.CHANGED);
                }
            };
            device.setParent(this);
            return device;
        }
    }
}

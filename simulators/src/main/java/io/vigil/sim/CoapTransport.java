package io.vigil.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import io.vigil.common.registry.Secrets;

/**
 * CoAP devices POSTing confirmable requests to {@code {coapUri}/readings/{deviceId}} through a few shared
 * Californium clients, each with its own UDP endpoint. Requests are pipelined up to a window per client; a
 * reading counts as acknowledged only on 2.04 Changed. Over {@code coaps://} each device has an endpoint of its own
 * that authenticates with the device's pre-shared key (PSK identity = device id), as the gateway requires.
 */
final class CoapTransport implements ReadingTransport {
    /** The gateway's CoAP resource for readings; a device posts to its child named by the device id. */
    static final String READINGS_PATH = "readings";
    private static final int WINDOW = 200;
    private static final Duration WINDOW_WAIT = Duration.ofSeconds(30);

    private final String base;
    private final List<Link> links;
    private final Map<String, Link> byDevice;

    private record Link(CoapClient client, CoapEndpoint endpoint, Semaphore window) {}

    private CoapTransport(String base, List<Link> links, Map<String, Link> byDevice) {
        this.base = base;
        this.links = links;
        this.byDevice = byDevice;
    }

    /** One DTLS endpoint per device, each presenting the device's PSK; {@code coapsUri} is {@code coaps://host:port}. */
    static CoapTransport openSecure(String coapsUri, List<SimulatedDevice> devices,
                                    Map<String, DeviceCredentials> credentials) throws IOException {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        String base = coapsUri.endsWith("/") ? coapsUri.substring(0, coapsUri.length() - 1) : coapsUri;
        InetSocketAddress local = new InetSocketAddress(localAddressFor(base), 0);
        List<Link> links = new ArrayList<>();
        Map<String, Link> byDevice = new HashMap<>();
        CoapTransport transport = new CoapTransport(base, links, byDevice);
        try {
            for (SimulatedDevice d : devices) {
                DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                        .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                        // Scandium holds only 10 messages (its default) while the handshake runs and silently drops
                        // the rest, which left a device pipelining its window with exactly 10 answers
                        .set(DtlsConfig.DTLS_MAX_DEFERRED_OUTBOUND_APPLICATION_MESSAGES, WINDOW)
                        .setAddress(local)
                        .setAdvancedPskStore(new AdvancedSinglePskStore(d.id(),
                                Secrets.dtlsKey(credentials.get(d.id()).pskKey())))
                        .build();
                CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config)
                        .setConnector(new DTLSConnector(dtls)).build();
                endpoint.start();
                Link link = new Link(new CoapClient(base).setEndpoint(endpoint), endpoint, new Semaphore(WINDOW));
                links.add(link);
                byDevice.put(d.id(), link);
            }
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw new IOException("cannot open a CoAPS endpoint for " + coapsUri + ": " + e.getMessage(), e);
        }
        return transport;
    }

    static CoapTransport open(String coapUri, int clients) throws IOException {
        CoapConfig.register();
        UdpConfig.register();
        // Without this Californium writes a Californium3.properties file into the working directory.
        Configuration config = Configuration.createStandardWithoutFile();
        String base = coapUri.endsWith("/") ? coapUri.substring(0, coapUri.length() - 1) : coapUri;
        InetSocketAddress local = new InetSocketAddress(localAddressFor(base), 0);
        List<Link> links = new ArrayList<>();
        CoapTransport transport = new CoapTransport(base, links, null);
        try {
            for (int i = 0; i < clients; i++) {
                CoapEndpoint endpoint = new CoapEndpoint.Builder()
                        .setConfiguration(config)
                        .setInetSocketAddress(local)
                        .build();
                endpoint.start();
                CoapClient client = new CoapClient(base).setEndpoint(endpoint);
                links.add(new Link(client, endpoint, new Semaphore(WINDOW)));
            }
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw new IOException("cannot open a CoAP endpoint for " + coapUri + ": " + e.getMessage(), e);
        }
        return transport;
    }

    // A loopback gateway is reached from a loopback socket; anything else needs the wildcard address to route.
    private static InetAddress localAddressFor(String base) throws IOException {
        try {
            InetAddress target = InetAddress.getByName(new URI(base).getHost());
            return target.isLoopbackAddress() ? InetAddress.getLoopbackAddress() : null;
        } catch (URISyntaxException e) {
            throw new IOException("not a CoAP URI: " + base, e);
        }
    }

    @Override
    public void send(SimulatedDevice device, byte[] payload, PayloadFormat format, Delivery delivery)
            throws InterruptedException {
        Link link = byDevice != null ? byDevice.get(device.id()) : links.get(Math.floorMod(device.index(), links.size()));
        if (link == null) {
            delivery.failed("coap: no PSK for device " + device.id());
            return;
        }
        if (!link.window().tryAcquire(WINDOW_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            delivery.failed("coap: " + base + " answered nothing for " + WINDOW_WAIT.toSeconds() + " s");
            return;
        }
        try {
            Request request = Request.newPost();
            request.setURI(base + "/" + READINGS_PATH + "/" + device.id());
            request.getOptions().setContentFormat(format.coapContentFormat());
            request.setPayload(payload);
            link.client().advanced(new CoapHandler() {
                @Override
                public void onLoad(CoapResponse response) {
                    link.window().release();
                    if (response.getCode() == CoAP.ResponseCode.CHANGED) {
                        delivery.acknowledged();
                    } else {
                        CoAP.ResponseCode code = response.getCode();
                        delivery.failed(String.format("coap: %d.%02d %s %s", code.codeClass, code.codeDetail,
                                code.name(), response.getResponseText()).strip());
                    }
                }

                @Override
                public void onError() {
                    link.window().release();
                    Throwable error = request.getSendError();
                    delivery.failed("coap: no answer from " + base
                            + (error == null ? " (timed out or cancelled)" : ": " + error.getMessage()));
                }
            }, request);
        } catch (RuntimeException e) {
            link.window().release();
            delivery.failed("coap: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        for (Link link : links) {
            link.client().shutdown();
            link.endpoint().destroy();
        }
    }
}

package io.vigil.gateway;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import io.vigil.common.registry.Secrets;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Test devices: a Paho v5 publisher and a Californium CoAP client, as field devices would use them. */
final class Devices {
    private Devices() {}

    static MqttClient mqttPublisher(String url, String clientId) throws Exception {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        client.connect(o);
        return client;
    }

    /** Publishes at QoS 1; contentType null sends no MQTT 5 content-type property. */
    static void publish(MqttClient client, String topic, byte[] payload, String contentType) throws Exception {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        if (contentType != null) {
            MqttProperties props = new MqttProperties();
            props.setContentType(contentType);
            m.setProperties(props);
        }
        client.publish(topic, m);
    }

    static void publish(MqttClient client, String topic, String payload, String contentType) throws Exception {
        publish(client, topic, payload.getBytes(StandardCharsets.UTF_8), contentType);
    }

    /** A CoAP client with its own endpoint, so Californium writes no properties file into the working directory. */
    static CoapClient coapClient(int port) {
        CoapConfig.register();
        UdpConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
        CoapClient client = new CoapClient("coap://127.0.0.1:" + port + "/readings");
        client.setEndpoint(endpoint);
        client.setTimeout(20_000L);
        return client;
    }

    /**
     * A CoAPS client that authenticates with a pre-shared key, as a field device would; {@code pskKey} is the
     * registry's {@code psk-key} text.
     */
    static CoapClient coapsClient(String identity, String pskKey) {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .setAddress(new InetSocketAddress("127.0.0.1", 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, Secrets.dtlsKey(pskKey)))
                .build();
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new DTLSConnector(dtls)).build();
        CoapClient client = new CoapClient();
        client.setEndpoint(endpoint);
        client.setTimeout(10_000L);
        return client;
    }

    /** POSTs over CoAPS; null when no answer came (a failed handshake), with the reason in the request. */
    static CoapResponse postSecure(CoapClient client, int port, String path, String json) throws Exception {
        Request request = Request.newPost();
        request.setURI("coaps://127.0.0.1:" + port + path);
        request.setPayload(json.getBytes(StandardCharsets.UTF_8));
        request.getOptions().setContentFormat(50);
        return client.advanced(request);
    }

    /** POSTs to a path of the gateway; contentFormat null sends no Content-Format option. */
    static CoapResponse post(CoapClient client, int port, String path, byte[] payload, Integer contentFormat)
            throws Exception {
        Request request = Request.newPost();
        request.setURI("coap://127.0.0.1:" + port + path);
        request.setPayload(payload);
        if (contentFormat != null) {
            request.getOptions().setContentFormat(contentFormat);
        }
        CoapResponse response = client.advanced(request);
        if (response == null) {
            throw new AssertionError("no CoAP response to POST " + path);
        }
        return response;
    }
}

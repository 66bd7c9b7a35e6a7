package io.vigil.sim;

import io.vigil.common.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT devices publishing QoS 1 to {@code vigil/readings/{deviceId}} over a few shared Paho connections. A device
 * always uses the same connection, so its readings reach the broker in order. With per-device credentials each
 * device logs in as itself on a connection of its own, as the broker's ACL demands.
 *
 * <p>Publishes are pipelined: each connection keeps up to a window of unacknowledged publishes, one less than the
 * broker's Receive Maximum. Paho refuses a publish beyond that (REASON_CODE_MAX_INFLIGHT) and only decrements its
 * own count after our listener has run, hence the one spare slot.
 */
final class MqttTransport implements ReadingTransport {
    private static final Logger LOG = LoggerFactory.getLogger(MqttTransport.class);
    private static final int QOS = 1;
    private static final int MAX_WINDOW = 1000;
    private static final int MQTT5_UNLIMITED_RECEIVE_MAXIMUM = 65_535;
    private static final Duration WINDOW_WAIT = Duration.ofSeconds(10);
    private static final AtomicLong CLIENTS = new AtomicLong();

    private final String url;
    private final List<Link> links;
    private final Map<String, Link> byDevice;

    private record Link(MqttAsyncClient client, Semaphore window) {}

    private MqttTransport(String url, List<Link> links, Map<String, Link> byDevice) {
        this.url = url;
        this.links = links;
        this.byDevice = byDevice;
    }

    static MqttTransport connect(String url, int connections, Duration timeout) throws IOException {
        List<MqttConnectionOptions> logins = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            logins.add(options(timeout));
        }
        return open(url, logins, null, timeout);
    }

    /** One connection per device, logged in as the device. */
    static MqttTransport connectAs(String url, List<SimulatedDevice> devices, Map<String, DeviceCredentials> credentials,
                                   Duration timeout) throws IOException {
        List<MqttConnectionOptions> logins = new ArrayList<>();
        for (SimulatedDevice d : devices) {
            MqttConnectionOptions o = options(timeout);
            o.setUserName(d.id());
            o.setPassword(credentials.get(d.id()).mqttPassword().getBytes(StandardCharsets.UTF_8));
            logins.add(o);
        }
        return open(url, logins, devices, timeout);
    }

    private static MqttTransport open(String url, List<MqttConnectionOptions> logins, List<SimulatedDevice> devices,
                                      Duration timeout) throws IOException {
        List<Link> links = new ArrayList<>();
        Map<String, Link> byDevice = devices == null ? null : new HashMap<>();
        MqttTransport transport = new MqttTransport(url, links, byDevice);
        try {
            for (int i = 0; i < logins.size(); i++) {
                // Memory persistence: Paho's default file persistence would write into the working directory.
                MqttAsyncClient client = new MqttAsyncClient(url, clientId(), new MemoryPersistence());
                links.add(new Link(client, new Semaphore(0)));
                if (byDevice != null) {
                    byDevice.put(devices.get(i).id(), links.get(i));
                }
                IMqttToken connected = client.connect(logins.get(i));
                connected.waitForCompletion(timeout.toMillis());
                Integer receiveMaximum = connected.getResponseProperties() == null ? null
                        : connected.getResponseProperties().getReceiveMaximum();
                int window = windowFor(receiveMaximum);
                links.get(i).window().release(window);
                LOG.debug("MQTT connection {} to {}: window {} publishes", client.getClientId(), url, window);
            }
        } catch (MqttException e) {
            transport.close();
            throw new IOException("cannot connect to MQTT broker " + url + ": " + describe(e), e);
        }
        return transport;
    }

    static int windowFor(Integer brokerReceiveMaximum) {
        int receiveMaximum = brokerReceiveMaximum == null ? MQTT5_UNLIMITED_RECEIVE_MAXIMUM : brokerReceiveMaximum;
        return Math.max(1, Math.min(MAX_WINDOW, receiveMaximum - 1));
    }

    @Override
    public void send(SimulatedDevice device, byte[] payload, PayloadFormat format, Delivery delivery)
            throws InterruptedException {
        Link link = byDevice != null ? byDevice.get(device.id()) : links.get(Math.floorMod(device.index(), links.size()));
        if (link == null) {
            delivery.failed("mqtt: no credentials for device " + device.id());
            return;
        }
        if (!link.window().tryAcquire(WINDOW_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            delivery.failed("mqtt: broker " + url + " acknowledged nothing for " + WINDOW_WAIT.toSeconds() + " s");
            return;
        }
        MqttMessage message = new MqttMessage(payload);
        message.setQos(QOS);
        MqttProperties properties = new MqttProperties();
        properties.setContentType(format.mediaType());
        properties.setPayloadFormat(true);
        message.setProperties(properties);
        try {
            link.client().publish(Topics.MQTT_READINGS_PREFIX + device.id(), message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    link.window().release();
                    int refusal = refusal(token.getReasonCodes());
                    if (refusal < 0) {
                        delivery.acknowledged();
                    } else {
                        delivery.failed("mqtt: broker refused the publish with reason code 0x" + Integer.toHexString(refusal));
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    link.window().release();
                    delivery.failed("mqtt: " + describe(e));
                }
            });
        } catch (MqttException | RuntimeException e) {
            link.window().release();
            delivery.failed("mqtt: " + describe(e));
        }
    }

    // PUBACK reason codes of 0x80 and above are refusals; 0x10 "no matching subscribers" is still a success.
    private static int refusal(int[] reasonCodes) {
        if (reasonCodes != null) {
            for (int code : reasonCodes) {
                if (code >= 0x80) {
                    return code;
                }
            }
        }
        return -1;
    }

    @Override
    public void close() {
        for (Link link : links) {
            MqttAsyncClient client = link.client();
            try {
                if (client.isConnected()) {
                    client.disconnect(2_000).waitForCompletion(5_000);
                }
            } catch (MqttException e) {
                LOG.debug("MQTT disconnect of {} failed: {}", client.getClientId(), describe(e));
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("MQTT close of {} failed: {}", client.getClientId(), describe(e));
            }
        }
    }

    private static MqttConnectionOptions options(Duration timeout) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSessionExpiryInterval(0L);
        options.setAutomaticReconnect(true);
        options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
        options.setKeepAliveInterval(30);
        return options;
    }

    private static String clientId() {
        return "vigil-sim-" + ProcessHandle.current().pid() + "-" + CLIENTS.incrementAndGet();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        return cause == null || cause == e ? message : message + " (" + cause.getMessage() + ")";
    }
}

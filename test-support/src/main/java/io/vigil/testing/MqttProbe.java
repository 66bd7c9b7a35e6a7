package io.vigil.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A plain Paho subscriber for tests against the real broker: keeps everything that arrives on its topic filter,
 * decoded by the test's own decoder, with topic, content type and retained flag; what does not decode is kept
 * apart as unreadable, so a test can assert there was none.
 *
 * @param <T> what a payload decodes to (an alert, a device's reading)
 */
public final class MqttProbe<T> implements AutoCloseable {
    /** One message as it arrived. */
    public record Received<T>(String topic, T message, String contentType, boolean retained) {}

    /** Turns a payload into a message; throwing marks the payload unreadable. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(byte[] payload) throws Exception;
    }

    private final MqttClient client;
    private final List<Received<T>> received = new ArrayList<>();
    private final Map<String, T> latest = new ConcurrentHashMap<>();
    private final List<String> unreadable = new ArrayList<>();

    /** Subscribes anonymously. */
    public MqttProbe(String url, String clientId, String filter, Decoder<T> decoder) throws MqttException {
        this(url, clientId, filter, null, null, decoder);
    }

    /** Logs in as {@code user} (null: anonymous) and subscribes to {@code filter} at QoS 1. */
    public MqttProbe(String url, String clientId, String filter, String user, String password, Decoder<T> decoder)
            throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        // MqttClient.subscribe(topic, qos, listener) recurses forever in Paho 1.2.5; use the client callback
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                T decoded;
                try {
                    decoded = decoder.decode(message.getPayload());
                } catch (Exception e) {
                    synchronized (unreadable) {
                        unreadable.add(topic + ": " + new String(message.getPayload(), StandardCharsets.UTF_8));
                    }
                    return;
                }
                String contentType = message.getProperties() == null ? null : message.getProperties().getContentType();
                synchronized (received) {
                    received.add(new Received<>(topic, decoded, contentType, message.isRetained()));
                }
                latest.put(topic, decoded);
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {}

            @Override
            public void mqttErrorOccurred(MqttException exception) {}

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options);
        client.subscribe(filter, 1);
    }

    /** Everything decoded so far, in arrival order. */
    public List<Received<T>> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** What arrived on topics {@code topic} accepts, in arrival order. */
    public List<Received<T>> on(Predicate<String> topic) {
        return received().stream().filter(r -> topic.test(r.topic())).toList();
    }

    /** The last message decoded on each topic. */
    public Map<String, T> latest() {
        return Map.copyOf(latest);
    }

    /** Payloads the decoder refused, as {@code topic: payload}. */
    public List<String> unreadable() {
        synchronized (unreadable) {
            return List.copyOf(unreadable);
        }
    }

    @Override
    public void close() throws MqttException {
        try {
            client.disconnect();
        } finally {
            client.close();
        }
    }

}

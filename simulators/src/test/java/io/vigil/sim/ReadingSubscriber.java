package io.vigil.sim;

import io.vigil.common.Topics;
import io.vigil.common.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A plain Paho subscriber on {@code vigil/readings/+} that keeps everything that arrives, as a gateway would see it. */
final class ReadingSubscriber implements AutoCloseable {
    record Arrived(String deviceId, String contentType, DeviceReading reading) {}

    private final MqttClient client;
    private final Queue<Arrived> arrived = new ConcurrentLinkedQueue<>();
    private final Queue<String> unreadable = new ConcurrentLinkedQueue<>();

    ReadingSubscriber(String url) throws MqttException {
        this(url, null, null);
    }

    /** Logs in as {@code user} (null: anonymous). */
    ReadingSubscriber(String url, String user, String password) throws MqttException {
        client = new MqttClient(url, "vigil-sim-test-subscriber", new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String deviceId = topic.substring(Topics.MQTT_READINGS_PREFIX.length());
                try {
                    DeviceReading reading = Json.mapper().readValue(message.getPayload(), DeviceReading.class);
                    arrived.add(new Arrived(deviceId, message.getProperties().getContentType(), reading));
                } catch (IOException e) {
                    unreadable.add(topic + ": " + new String(message.getPayload()));
                }
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
            options.setPassword(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        client.connect(options);
        client.subscribe(Topics.MQTT_READINGS_PREFIX + "+", 1);
    }

    /** What arrived from devices whose id starts with {@code prefix}: each test uses its own prefix. */
    List<Arrived> from(String prefix) {
        return arrived.stream().filter(a -> a.deviceId().startsWith(prefix)).toList();
    }

    List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    @Override
    public void close() {
        try {
            client.disconnect();
            client.close();
        } catch (MqttException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}

package io.vigil.job;

import io.vigil.common.Alert;
import io.vigil.common.serde.JsonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A Paho subscriber for tests: records every alert it receives, with its topic and retained flag. */
public final class MqttProbe implements AutoCloseable {
    public record Received(String topic, Alert alert, boolean retained) {}

    private final MqttClient client;
    private final List<Received> received = new ArrayList<>();
    private final Map<String, Alert> latest = new ConcurrentHashMap<>();

    public MqttProbe(String url, String clientId, String filter) throws MqttException {
        this(url, clientId, filter, null, null);
    }

    /** Logs in as {@code user} (null: anonymous). */
    public MqttProbe(String url, String clientId, String filter, String user, String password) throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        // MqttClient.subscribe(topic, qos, listener) recurses forever in Paho 1.2.5; use the client callback
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                Alert alert = JsonSerde.alerts().fromBytes(message.getPayload());
                synchronized (received) {
                    received.add(new Received(topic, alert, message.isRetained()));
                }
                latest.put(topic, alert);
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
        client.subscribe(filter, 1);
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The last alert received on each topic. */
    public Map<String, Alert> latest() {
        return Map.copyOf(latest);
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

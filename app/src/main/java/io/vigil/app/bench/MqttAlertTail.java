package io.vigil.app.bench;

import io.vigil.common.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Listens on {@code vigil/alerts/#} during a phase as a duty officer's console does (its own broker login, QoS 1)
 * and notes when each alert arrived. Payloads are kept raw and parsed afterwards, so the callback only stamps time.
 */
final class MqttAlertTail implements AutoCloseable, MqttCallback {
    /** An alert message as it came off the wire, stamped with this machine's wall clock on arrival. */
    record Arrival(byte[] payload, long arrivedAt) {}

    private static final long OPERATION_TIMEOUT_MS = 10_000;
    /** Don't send retained messages on subscribe (MQTT 5 retain handling 2): they are alerts of earlier phases. */
    private static final int NO_RETAINED_ON_SUBSCRIBE = 2;

    private final MqttAsyncClient client;
    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private volatile Throwable lost;

    /** Connects as {@code username} (its ACL must grant reading {@code vigil/alerts/#}) and subscribes. */
    MqttAlertTail(String brokerUrl, String username, String password) throws MqttException {
        client = new MqttAsyncClient(brokerUrl, "vigil-bench-alerts-" + ProcessHandle.current().pid(),
                new MemoryPersistence());
        client.setCallback(this);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setUserName(username);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        try {
            client.connect(options).waitForCompletion(OPERATION_TIMEOUT_MS);
            MqttSubscription alerts = new MqttSubscription(Topics.MQTT_ALERTS_PREFIX + "#", 1);
            alerts.setRetainHandling(NO_RETAINED_ON_SUBSCRIBE);
            IMqttToken sub = client.subscribe(new MqttSubscription[] {alerts});
            sub.waitForCompletion(OPERATION_TIMEOUT_MS);
            int[] codes = sub.getReasonCodes();
            if (codes == null || codes.length == 0 || codes[0] >= 0x80) {
                throw new IllegalStateException("the broker refused " + username + " a subscription to "
                        + alerts.getTopic() + " (reason code " + (codes == null || codes.length == 0 ? "none"
                        : "0x" + Integer.toHexString(codes[0])) + ")");
            }
        } catch (MqttException | RuntimeException e) {
            client.close(true);
            throw e;
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        long now = System.currentTimeMillis();
        // a retained message is an incident's phase from before the subscription, not one decided now
        if (!message.isRetained()) {
            arrivals.add(new Arrival(message.getPayload(), now));
        }
    }

    /** Alerts that arrived so far, in arrival order. */
    List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /** Why the connection dropped during the phase (null: it did not): arrivals may then be missing. */
    Throwable lost() {
        return lost;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        lost = response.getException() != null ? response.getException()
                : new IllegalStateException("disconnected by the broker: " + response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        lost = exception;
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // this client publishes nothing
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        // connected in the constructor; no automatic reconnect, so nothing to resubscribe
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(5_000);
            }
        } finally {
            client.close(true);
        }
    }
}

package io.vigil.app.failure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * One device as a third-party client drives it ({@code mosquitto_pub -q 1} in a loop, or a plain Paho client): logs
 * in with its own broker password, clean session, and publishes a reading at a steady pace, QoS 1, whose value is
 * its sequence number 0, 1, 2, ... and whose {@code time} is the device's clock. A reading counts as acknowledged
 * only when the broker's PUBACK came back; one that fails (broker away) is not retried, as such a client would not,
 * and the next reading takes the next number. Having lost the broker, it connects again at its next reading (as the
 * next {@code mosquitto_pub} would; Paho's automatic reconnect once left it offline for minutes after a broker
 * restart) and numbers no reading while it cannot.
 */
final class SteadyPublisher implements AutoCloseable {
    private final MqttClient client;
    private final MqttConnectionOptions options;
    private final String topic;
    private final String metric;
    private final ScheduledExecutorService pace;
    private final AtomicLong next = new AtomicLong();
    private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    private SteadyPublisher(MqttClient client, MqttConnectionOptions options, String deviceId, String metric) {
        this.client = client;
        this.options = options;
        this.topic = "vigil/readings/" + deviceId;
        this.metric = metric;
        this.pace = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steady-publisher-" + deviceId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects as {@code deviceId} and publishes a reading every {@code every} until closed. */
    static SteadyPublisher start(String url, String deviceId, String password, String metric, Duration every)
            throws MqttException {
        MqttClient client = new MqttClient(url, deviceId + "-steady", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(deviceId);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        client.setTimeToWait(5_000);
        client.connect(o);
        SteadyPublisher publisher = new SteadyPublisher(client, o, deviceId, metric);
        publisher.pace.scheduleWithFixedDelay(publisher::publishNext, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return publisher;
    }

    private void publishNext() {
        if (!client.isConnected()) {
            try {
                client.connect(options);
            } catch (MqttException | RuntimeException e) {
                lastFailure.set("connect: " + e);
                return;
            }
        }
        long seq = next.getAndIncrement();
        String json = "{\"metric\":\"" + metric + "\",\"value\":" + seq + ",\"time\":" + System.currentTimeMillis() + "}";
        MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        try {
            client.publish(topic, m);
            acknowledged.add(seq);
        } catch (MqttException | RuntimeException e) {
            lastFailure.set("seq " + seq + ": " + e);
        }
    }

    /** Sequence numbers the broker acknowledged so far, in order. */
    List<Long> acknowledged() {
        return List.copyOf(acknowledged);
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Readings tried so far, acknowledged or not. */
    long sent() {
        return next.get();
    }

    String lastFailure() {
        return lastFailure.get();
    }

    /** Stops publishing (a reading on its way finishes first) and disconnects. */
    @Override
    public void close() throws Exception {
        pace.shutdown();
        pace.awaitTermination(10, TimeUnit.SECONDS);
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
        } finally {
            client.close(true);
        }
    }
}

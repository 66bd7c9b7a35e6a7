package io.vigil.job.mqtt;

import io.vigil.common.Alert;
import io.vigil.common.Topics;
import io.vigil.common.serde.JsonSerde;
import io.vigil.job.JobConfig;
import io.vigil.job.JobOptions;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Publishes every alert as JSON, retained, to {@code vigil/alerts/{zone}/{rule}/{subject}}: a field display or siren
 * that (re)connects gets each incident's current phase at once. QoS 1 unless the job's {@code --mqtt-alert-qos} says
 * otherwise.
 *
 * <p>Publishing is asynchronous. Like flink-connector-kafka's writer, the first asynchronous failure is kept and
 * rethrown on the task thread at the next write or flush, and {@link SinkWriter#flush} (before every checkpoint)
 * waits until the broker has acknowledged every alert (at QoS 1 and 2; at QoS 0 until it was sent): at-least-once.
 */
public final class MqttAlertSink implements Sink<Alert> {
    private static final long serialVersionUID = 1L;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(5);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);
    private static final int DEFAULT_QOS = JobOptions.MQTT_ALERT_QOS.defaultValue();
    private final String brokerUrl;
    private final String clientIdPrefix;
    private final JobConfig.MqttLogin login;
    private final int qos;

    /** @param clientIdPrefix the subtask index is appended; must be unique per job on one broker */
    public MqttAlertSink(String brokerUrl, String clientIdPrefix) {
        this(brokerUrl, clientIdPrefix, null, DEFAULT_QOS);
    }

    /**
     * @param login the broker login (its ACL must grant writing {@code vigil/alerts/#}), null for anonymous
     * @param qos   0, 1 or 2
     */
    public MqttAlertSink(String brokerUrl, String clientIdPrefix, JobConfig.MqttLogin login, int qos) {
        this.brokerUrl = brokerUrl;
        this.clientIdPrefix = clientIdPrefix;
        this.login = login;
        this.qos = qos;
    }

    /** The retained topic of an alert; MQTT wildcards and separators in names are replaced so levels stay intact. */
    public static String topicOf(Alert alert) {
        return Topics.mqttAlertTopic(level(alert.zone()), level(alert.ruleId()), level(alert.subject()));
    }

    private static String level(String name) {
        return name == null || name.isEmpty() ? "_" : name.replaceAll("[/+#]", "_");
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) throws IOException {
        return new Writer(brokerUrl, clientIdPrefix + "-" + context.getTaskInfo().getIndexOfThisSubtask(),
                context.metricGroup().counter("mqttAlertsPublished"), login, qos);
    }

    static final class Writer implements SinkWriter<Alert>, MqttActionListener {
        private final JsonSerde<Alert> json = JsonSerde.alerts();
        private final MqttAsyncClient client;
        private final Counter published;
        private final int qos;
        private final Object lock = new Object();
        private int inFlight;
        private Throwable asyncError;

        Writer(String brokerUrl, String clientId, Counter published) throws IOException {
            this(brokerUrl, clientId, published, null, DEFAULT_QOS);
        }

        Writer(String brokerUrl, String clientId, Counter published, JobConfig.MqttLogin login, int qos)
                throws IOException {
            this.published = published;
            this.qos = qos;
            try {
                client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
                DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
                buffer.setBufferEnabled(true);
                buffer.setBufferSize(100_000);
                buffer.setPersistBuffer(false);
                buffer.setDeleteOldestMessages(false);
                client.setBufferOpts(buffer);
                MqttConnectionOptions options = new MqttConnectionOptions();
                options.setAutomaticReconnect(true);
                // Paho's own cap is 128 s (doubling from 1 s): alerts would wait up to two minutes after a broker
                // restart; retry at least every 5 s
                options.setMaxReconnectDelay((int) MAX_RECONNECT_DELAY.toMillis());
                options.setCleanStart(true);
                options.setConnectionTimeout((int) CONNECT_TIMEOUT.toSeconds());
                if (login != null) {
                    options.setUserName(login.username());
                    options.setPassword(login.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                client.connect(options).waitForCompletion(CONNECT_TIMEOUT.toMillis());
            } catch (MqttException e) {
                throw new IOException("cannot connect to MQTT broker " + brokerUrl + " as " + clientId + ": " + e, e);
            }
        }

        @Override
        public void write(Alert alert, Context context) throws IOException, InterruptedException {
            checkAsyncError();
            byte[] payload = json.toBytes(alert);
            long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
            while (true) {
                synchronized (lock) {
                    inFlight++;
                }
                try {
                    client.publish(topicOf(alert), payload, qos, true, null, this);
                    return;
                } catch (MqttException e) {
                    synchronized (lock) {
                        inFlight--;
                        lock.notifyAll();
                    }
                    if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        throw new IOException("publishing alert " + alert.incidentId() + " failed: " + e, e);
                    }
                    // the broker's receive maximum is reached: wait for an acknowledgement, then try again
                    awaitInFlightBelow(inFlightNow(), deadline);
                }
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            awaitInFlightBelow(1, System.nanoTime() + FLUSH_TIMEOUT.toNanos());
            checkAsyncError();
        }

        private int inFlightNow() {
            synchronized (lock) {
                return inFlight;
            }
        }

        private void awaitInFlightBelow(int bound, long deadline) throws IOException, InterruptedException {
            synchronized (lock) {
                while (inFlight >= bound && asyncError == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException(inFlight + " alerts not acknowledged by the MQTT broker within "
                                + FLUSH_TIMEOUT);
                    }
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        private void checkAsyncError() throws IOException {
            synchronized (lock) {
                if (asyncError != null) {
                    throw new IOException("publishing an alert to MQTT failed", asyncError);
                }
            }
        }

        boolean connected() {
            return client.isConnected();
        }

        @Override
        public void onSuccess(IMqttToken token) {
            published.inc();
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable error) {
            synchronized (lock) {
                inFlight--;
                if (asyncError == null) {
                    asyncError = error;
                }
                lock.notifyAll();
            }
        }

        @Override
        public void close() throws Exception {
            try {
                if (client.isConnected()) {
                    client.disconnect(5_000).waitForCompletion(5_000);
                }
            } finally {
                client.close(true);
            }
        }
    }
}

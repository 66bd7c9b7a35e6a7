package io.vigil.gateway.mqtt;

import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.Topics;
import io.vigil.gateway.DeviceIds;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives device readings over MQTT through {@code mqttSubscribers} connections that all join the shared
 * subscription {@code $share/vigil/vigil/readings/+}, so every gateway instance and connection gets a share of the
 * topic tree and each message goes to one of them. {@link #subscribe} serves other topic trees (acknowledgements)
 * the same way.
 */
public final class MqttIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);
    public static final String SHARED_FILTER =
            "$share/" + Topics.MQTT_SHARED_GROUP + "/" + Topics.MQTT_READINGS_PREFIX + "+";

    private final List<MqttSubscriber> subscribers = new ArrayList<>();
    private final ScheduledExecutorService retries;
    private final GatewayConfig config;

    private MqttIngest(GatewayConfig config, String clientIdPrefix) {
        this.config = config;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, clientIdPrefix + "-kafka-retry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects and subscribes every connection; throws if the broker cannot be reached. */
    public static MqttIngest start(GatewayConfig config, Ingest ingest) throws MqttException {
        return subscribe(config, config.mqttClientIdPrefix(), SHARED_FILTER, config.mqttSubscribers(),
                (topic, message) -> {
                    MqttProperties props = message.getProperties();
                    String contentType = props == null ? null : props.getContentType();
                    String deviceId = DeviceIds.ofMqttTopic(Topics.MQTT_READINGS_PREFIX, topic);
                    Inbound in = Inbound.now(Protocol.MQTT, topic, deviceId, contentType, message.getPayload());
                    return () -> deviceId == null
                            ? ingest.reject(in, Rejection.of(RejectReason.BAD_ADDRESS,
                                    "topic does not fit " + Topics.MQTT_READINGS_PREFIX + "{deviceId}: " + topic))
                            : ingest.ingest(in);
                });
    }

    /**
     * Opens {@code connections} QoS 1 subscriber connections with client ids {@code clientIdPrefix-0..n} on
     * {@code filter}; each message is acknowledged to the broker once {@code handler}'s attempt succeeded.
     */
    public static MqttIngest subscribe(GatewayConfig config, String clientIdPrefix, String filter, int connections,
            MessageHandler handler) throws MqttException {
        MqttIngest mqtt = new MqttIngest(config, clientIdPrefix);
        try {
            for (int i = 0; i < connections; i++) {
                MqttSubscriber s = new MqttSubscriber(config, clientIdPrefix + "-" + i, filter, handler, mqtt.retries);
                mqtt.subscribers.add(s);
                s.start();
            }
        } catch (MqttException | RuntimeException e) {
            mqtt.close();
            throw e;
        }
        return mqtt;
    }

    /**
     * Stops taking new messages, lets those already in Kafka's hands finish (so they are acknowledged rather than
     * redelivered), then disconnects. Messages not acknowledged stay in the broker session for the next start.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (MqttSubscriber s : subscribers) {
            inFlight.add(s.stopTaking());
        }
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(config.kafkaAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("MQTT messages still waiting for Kafka at shutdown; the broker will redeliver them");
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("waiting for in-flight MQTT messages failed", e);
        }
        retries.shutdownNow();
        for (MqttSubscriber s : subscribers) {
            s.close();
        }
    }
}

package io.vigil.gateway.mqtt;

import io.vigil.common.Topics;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.Ingest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives device readings over MQTT through {@code mqttSubscribers} connections that all join the shared
 * subscription {@code $share/vigil/vigil/readings/+}, so every gateway instance and connection gets a share of the
 * topic tree and each message goes to one of them.
 */
public final class MqttIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);
    public static final String SHARED_FILTER =
            "$share/" + Topics.MQTT_SHARED_GROUP + "/" + Topics.MQTT_READINGS_PREFIX + "+";

    private final List<MqttSubscriber> subscribers = new ArrayList<>();
    private final ScheduledExecutorService retries;
    private final GatewayConfig config;

    private MqttIngest(GatewayConfig config) {
        this.config = config;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, config.mqttClientIdPrefix() + "-kafka-retry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects and subscribes every connection; throws if the broker cannot be reached. */
    public static MqttIngest start(GatewayConfig config, Ingest ingest) throws MqttException {
        return start(config, ingest, List.of(MqttRoute.readings(ingest)));
    }

    /** Every connection subscribes to every route's shared filter; {@code ingest} dead-letters unroutable topics. */
    public static MqttIngest start(GatewayConfig config, Ingest ingest, List<MqttRoute> routes) throws MqttException {
        MqttIngest mqtt = new MqttIngest(config);
        try {
            for (int i = 0; i < config.mqttSubscribers(); i++) {
                MqttSubscriber s = new MqttSubscriber(config, config.mqttClientIdPrefix() + "-" + i, ingest, routes,
                        mqtt.retries);
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

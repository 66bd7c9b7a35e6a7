package io.vigil.gateway.mqtt;

import io.vigil.gateway.GatewayConfig;
import java.time.Duration;
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
 * The gateway's MQTT intake: {@code mqttSubscribers} connections that each subscribe every {@link MqttRoute}
 * (readings, tag reads, acknowledgements) in the configured {@link SubscriptionMode}. Plain: one connection gets
 * every message, and its subscriptions outlive a broker restart. Shared: every connection of every instance gets a
 * share of each topic tree and each message goes to one of them.
 */
public final class MqttIngest implements AutoCloseable {
    /** The longest wait between two attempts of a subscriber to reach a lost broker. */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);

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

    /**
     * Opens {@code mqttSubscribers} QoS 1 connections, each subscribed to every route's filter; throws if the
     * broker cannot be reached or refuses a subscription.
     */
    public static MqttIngest start(GatewayConfig config, List<MqttRoute> routes) throws MqttException {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("at least one MQTT route is needed");
        }
        MqttIngest mqtt = new MqttIngest(config);
        try {
            for (int i = 0; i < config.mqttSubscribers(); i++) {
                MqttSubscriber s = new MqttSubscriber(config, config.mqttClientIdPrefix() + "-" + i, routes,
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

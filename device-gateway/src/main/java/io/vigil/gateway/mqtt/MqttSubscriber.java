package io.vigil.gateway.mqtt;

import io.vigil.common.Backoff;
import io.vigil.gateway.GatewayConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber connection, subscribed to every {@link MqttRoute} in the gateway's {@link SubscriptionMode}; each
 * message goes to the {@link MessageHandler} of the route whose prefix its topic has. A QoS 1 message is acknowledged
 * to the broker only after the handler's attempt completed, i.e. Kafka acknowledged all its records; until then the
 * broker keeps it in this connection's session and redelivers it after a reconnect or a gateway restart. While Kafka
 * fails, the attempt is retried here with backoff, so delivery is at least once.
 */
final class MqttSubscriber implements MqttCallback {
    private static final Logger LOG = LoggerFactory.getLogger(MqttSubscriber.class);
    private static final long OPERATION_TIMEOUT_MS = 10_000;
    /** Bounds the unacknowledged messages (and so the memory) one connection holds while Kafka is slow. */
    private static final int RECEIVE_MAXIMUM = 1000;
    private static final Backoff KAFKA_RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
    private static final long RECONNECTING = -1;

    private final String clientId;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final List<MqttRoute> routes;
    private final SubscriptionMode mode;
    private final ScheduledExecutorService retries;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    /**
     * Bumped on every lost connection: a packet id is only meaningful on the connection that delivered it, and
     * after a reconnect the broker redelivers unacknowledged messages (possibly reusing ids), so late acks of the
     * old connection are dropped rather than acknowledging some other message.
     */
    private final AtomicInteger connection = new AtomicInteger();
    private volatile boolean taking = true;
    /**
     * When the current connection was established (epoch ms), see {@link io.vigil.gateway.Inbound#connectedAt()};
     * {@link #RECONNECTING} from a lost connection until Paho reports the new one, which it may do after the broker
     * already sent the first queued messages: those take their arrival time instead.
     */
    private volatile long connectedAt;

    MqttSubscriber(GatewayConfig config, String clientId, List<MqttRoute> routes, ScheduledExecutorService retries)
            throws MqttException {
        this.clientId = clientId;
        this.routes = List.copyOf(routes);
        this.mode = config.mqttSubscription();
        this.retries = retries;
        // memory persistence: the default file persistence would write into the working directory, and inbound
        // QoS 1 state lives in the broker session anyway
        this.client = new MqttAsyncClient(config.mqttUrl(), clientId, new MemoryPersistence());
        this.options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(config.mqttSessionExpiry().toSeconds());
        options.setAutomaticReconnect(true);
        // Paho 1.2.5 doubles its reconnect delay from 1 s up to getMaxReconnectDelay (default 128 s) and never reads
        // setAutomaticReconnectDelay's values (eclipse-paho/paho.mqtt.java#864): the gateway took ~98 s to come back
        // after a broker restart, holding every reading back that long. One client retrying every 5 s is cheap.
        options.setMaxReconnectDelay((int) MqttIngest.MAX_RECONNECT_DELAY.toMillis());
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setReceiveMaximum(RECEIVE_MAXIMUM);
        if (config.mqttUrl().startsWith("tcp://")) {
            options.setSocketFactory(BufferedInputSockets.INSTANCE); // ssl:// keeps Paho's own TLS sockets
        }
        if (config.security().mqttUsername() != null) {
            options.setUserName(config.security().mqttUsername());
            options.setPassword(config.security().mqttPassword().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    void start() throws MqttException {
        client.setManualAcks(true);
        client.setCallback(this);
        // taken before CONNECT: what the broker queued for the session was published before this instant
        connectedAt = System.currentTimeMillis();
        IMqttToken connected = client.connect(options);
        connected.waitForCompletion(OPERATION_TIMEOUT_MS);
        if (connected.getSessionPresent()) {
            // The broker kept this connection's session, subscriptions included, and is already delivering what it
            // queued while we were away. Our SUBACK would wait behind that backlog, and a restart after a crash
            // timed out on it under load; so refresh the subscriptions without waiting and check them when answered.
            client.subscribe(subscriptions(), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    checkGranted(token.getReasonCodes());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.error("{}: refreshing the subscriptions of the resumed session failed", clientId, e);
                }
            }, new MqttProperties());
            dropOtherModesFilters();
            LOG.info("{} resumed its session on {}", clientId, client.getServerURI());
            return;
        }
        IMqttToken sub = client.subscribe(subscriptions());
        sub.waitForCompletion(OPERATION_TIMEOUT_MS);
        int[] codes = sub.getReasonCodes();
        if (codes == null || codes.length < routes.size()) {
            throw new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION);
        }
        for (int code : codes) {
            if (code >= 0x80) {
                throw new MqttException(code);
            }
        }
        LOG.info("{} subscribed to {} on {}", clientId,
                routes.stream().map(r -> r.filter(mode)).toList(), client.getServerURI());
    }

    private void checkGranted(int[] codes) {
        if (codes == null || codes.length < routes.size()) {
            LOG.error("{}: the broker answered {} of {} subscriptions", clientId, codes == null ? 0 : codes.length,
                    routes.size());
            return;
        }
        for (int i = 0; i < routes.size(); i++) {
            if (codes[i] >= 0x80) {
                LOG.error("{}: the broker refused {} (reason code 0x{})", clientId, routes.get(i).filter(mode),
                        Integer.toHexString(codes[i]));
            }
        }
    }

    private MqttSubscription[] subscriptions() {
        return routes.stream().map(r -> {
            MqttSubscription s = new MqttSubscription(r.filter(mode), 1);
            // a plain subscription would otherwise be sent the retained message of every device topic at each
            // (re)subscribe, and a retained reading without its own time would be stored again as a new one
            s.setRetainHandling(2);
            return s;
        }).toArray(MqttSubscription[]::new);
    }

    /**
     * A session resumed under the same client id may still hold the other mode's subscriptions (the gateway ran
     * in that mode before and the broker did not restart since); with both, the broker would deliver each message
     * twice to this connection. Dropping a subscription the session does not have is harmless. Waits (bounded) for
     * the broker's answer, so that messages published once the gateway has started arrive once; like the SUBACK
     * above, the answer may wait behind a backlog, so a late one only delays start-up and is not an error.
     */
    private void dropOtherModesFilters() {
        String[] others = routes.stream().map(r -> r.filter(mode.other())).toArray(String[]::new);
        try {
            IMqttToken dropped = client.unsubscribe(others, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    LOG.debug("{}: dropped any {} subscriptions of the resumed session", clientId, mode.other());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.warn("{}: could not drop the {} subscriptions {} of the resumed session; messages may arrive"
                            + " twice until its next start", clientId, mode.other(), List.of(others), e);
                }
            }, new MqttProperties());
            dropped.waitForCompletion(OPERATION_TIMEOUT_MS);
        } catch (MqttException | RuntimeException e) {
            LOG.warn("{}: no answer yet to dropping any {} subscriptions of the resumed session ({}); if it had"
                    + " some, messages may arrive twice until the broker answers", clientId, mode.other(), e.toString());
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        try {
            if (!taking) {
                return; // not acknowledged: stays in the broker session for the next start
            }
            MqttRoute route = routeOf(topic);
            if (route == null) {
                // cannot happen while only the routes' filters are subscribed; acknowledged so it does not pin the
                // receive window
                LOG.error("{}: no route for a message on {}; dropped", clientId, topic);
                acknowledge(message, connection.get());
                return;
            }
            long since = connectedAt == RECONNECTING ? System.currentTimeMillis() : connectedAt;
            process(topic, route.handler().arrived(topic, message, since), message, connection.get(), 0);
        } catch (RuntimeException e) {
            // an exception escaping here would make Paho drop the connection
            LOG.error("{}: could not process a message on {}", clientId, topic, e);
        }
    }

    private MqttRoute routeOf(String topic) {
        for (MqttRoute route : routes) {
            if (topic.startsWith(route.prefix())) {
                return route;
            }
        }
        return null;
    }

    private void process(String topic, Supplier<CompletableFuture<?>> attempt, MqttMessage message, int onConnection,
            int attempts) {
        CompletableFuture<?> stored = attempt.get();
        inFlight.add(stored);
        stored.whenComplete((outcome, failure) -> {
            inFlight.remove(stored);
            if (failure == null) {
                acknowledge(message, onConnection);
            } else {
                retryLater(topic, attempt, message, onConnection, attempts, failure);
            }
        });
    }

    private void retryLater(String topic, Supplier<CompletableFuture<?>> attempt, MqttMessage message,
            int onConnection, int attempts, Throwable failure) {
        if (!taking || onConnection != connection.get()) {
            return; // the broker redelivers it on the next connection
        }
        long delay = KAFKA_RETRY.after(attempts + 1).toMillis();
        LOG.warn("{}: Kafka did not take the message from {} ({}); retry {} in {} ms",
                clientId, topic, failure.toString(), attempts + 1, delay);
        try {
            retries.schedule(() -> {
                try {
                    if (taking && onConnection == connection.get()) {
                        process(topic, attempt, message, onConnection, attempts + 1);
                    }
                } catch (RuntimeException e) {
                    LOG.error("{}: retry failed for {}", clientId, topic, e);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // closing: the message stays unacknowledged in the broker session
        }
    }

    private void acknowledge(MqttMessage message, int onConnection) {
        if (message.getQos() == 0 || onConnection != connection.get()) {
            return;
        }
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException | RuntimeException e) {
            LOG.info("{}: could not acknowledge message {} ({}); the broker will redeliver it",
                    clientId, message.getId(), e.toString());
        }
    }

    /** Stops processing new messages; the future completes when those already sent to Kafka are settled. */
    CompletableFuture<Void> stopTaking() {
        taking = false;
        return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .handle((done, failure) -> null);
    }

    void close() {
        taking = false;
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(5000);
            }
        } catch (MqttException e) {
            LOG.info("{}: disconnect failed ({}); forcing", clientId, e.toString());
            try {
                client.disconnectForcibly(0, 1000, false);
            } catch (MqttException ignored) {
                // already down
            }
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.info("{}: close failed: {}", clientId, e.toString());
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        if (!reconnect) {
            return;
        }
        connectedAt = System.currentTimeMillis();
        LOG.info("{} reconnected to {}", clientId, serverUri);
        try {
            // the session normally still holds the subscription; this restores it if the session had expired
            client.subscribe(subscriptions());
        } catch (MqttException | RuntimeException e) {
            LOG.error("{}: resubscribing failed", clientId, e);
        }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        connection.incrementAndGet();
        connectedAt = RECONNECTING;
        LOG.warn("{} lost its connection: {}", clientId, response);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.error("{}: MQTT error", clientId, exception);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // the gateway does not publish
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication yet
    }
}

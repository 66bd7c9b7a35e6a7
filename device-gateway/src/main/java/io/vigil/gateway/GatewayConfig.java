package io.vigil.gateway;

import io.vigil.common.Topics;
import io.vigil.gateway.mqtt.SubscriptionMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a gateway process is told. Defaults live in {@link #defaults()} only; {@link #validate()} is called
 * once by {@link GatewayApplication#start}. Change fields with the {@code with...} methods; they go through one
 * {@link Builder}, so adding a field touches only the record, the builder and the defaults.
 *
 * @param mqttUrl            broker the devices publish to
 * @param mqttSubscription   {@link SubscriptionMode#PLAIN} (one gateway instance per broker, nothing lost when the
 *                           broker restarts) or {@link SubscriptionMode#SHARED} (several connections and instances
 *                           share the load; readings published between a broker restart and the gateway's return
 *                           are lost, as Mosquitto 2.0 does not restore shared subscriptions)
 * @param mqttSubscribers    subscriber connections this gateway opens; must be 1 with a plain subscription (a
 *                           second plain subscriber would get every message again). One Paho connection keeps up
 *                           with ~15k QoS 1 messages/s (design notes)
 * @param mqttClientIdPrefix stable per gateway instance ("vigil-gateway-" + instance id): the broker keeps each
 *                           connection's session, and its queued QoS 1 messages, under this id across restarts
 * @param mqttSessionExpiry  how long the broker keeps a disconnected session; messages the broker assigned to a
 *                           session that expires are lost, so restart an instance well within this time
 * @param kafkaBootstrap     Kafka bootstrap servers
 * @param coapHost           address the CoAP server binds
 * @param coapPort           UDP port of plain CoAP; 0 picks a free one
 * @param coapsPort          UDP port of CoAPS (DTLS with a PSK per device), served whenever a registry is configured;
 *                           0 picks a free one
 * @param coapPlain          with a registry, also serve plain CoAP on coapPort (development only: unauthenticated);
 *                           without a registry plain CoAP is always served and CoAPS never (there are no keys)
 * @param maxPayloadBytes    larger payloads are refused with TOO_LARGE; raising it above the default needs the broker's
 *                           packet limit raised with it (docs/formats.md#limits)
 * @param readingsTopic      Kafka topic of canonical readings
 * @param deadLetterTopic    Kafka topic of refused payloads
 * @param kafkaAckTimeout    how long one payload may wait for Kafka's acknowledgement before it counts as failed
 * @param ackPort            loopback TCP port of the HTTP acknowledgement endpoint; 0 picks a free one
 * @param metricsInfluxUrl   InfluxDB (v1 API) the gateway's metrics are written to; null: metrics stay in-process
 * @param metricsDatabase    InfluxDB database of the metrics
 * @param metricsStep        how often the metrics are written; counters report what happened in each step
 * @param prometheusPort     loopback TCP port of a Prometheus scrape endpoint ({@code GET /metrics}); 0 picks a
 *                           free one; null: none
 * @param security           device registry, broker login, rate limit and reading checks
 */
public record GatewayConfig(
        String mqttUrl,
        SubscriptionMode mqttSubscription,
        int mqttSubscribers,
        String mqttClientIdPrefix,
        Duration mqttSessionExpiry,
        String kafkaBootstrap,
        String coapHost,
        int coapPort,
        int coapsPort,
        boolean coapPlain,
        int maxPayloadBytes,
        String readingsTopic,
        String deadLetterTopic,
        Duration kafkaAckTimeout,
        int ackPort,
        String metricsInfluxUrl,
        String metricsDatabase,
        Duration metricsStep,
        Integer prometheusPort,
        GatewaySecurity security) {

    public static final String CLIENT_ID_PREFIX = "vigil-gateway-";

    public static GatewayConfig defaults() {
        Builder b = new Builder();
        b.mqttUrl = "tcp://127.0.0.1:1883";
        b.mqttSubscription = SubscriptionMode.PLAIN;
        b.mqttSubscribers = 1;
        b.mqttClientIdPrefix = CLIENT_ID_PREFIX + "1";
        b.mqttSessionExpiry = Duration.ofMinutes(10);
        b.kafkaBootstrap = "127.0.0.1:9092";
        b.coapHost = "127.0.0.1";
        b.coapPort = 5683;
        b.coapsPort = 5684;
        b.coapPlain = false;
        b.maxPayloadBytes = io.vigil.common.codec.Payloads.DEVICE_PAYLOAD_LIMIT;
        b.readingsTopic = Topics.READINGS;
        b.deadLetterTopic = Topics.DEADLETTER;
        b.kafkaAckTimeout = Duration.ofSeconds(10);
        b.ackPort = 8089;
        b.metricsInfluxUrl = null;
        b.metricsDatabase = "vigil";
        b.metricsStep = Duration.ofSeconds(10);
        b.prometheusPort = null;
        b.security = GatewaySecurity.defaults();
        return b.build();
    }

    /** Throws {@link IllegalArgumentException} naming the first bad field. */
    public GatewayConfig validate() {
        require(mqttUrl != null && URI.create(mqttUrl).getScheme() != null, "mqttUrl must be a URL like tcp://host:port");
        require(mqttSubscription != null, "mqttSubscription must be plain or shared");
        require(mqttSubscribers >= 1 && mqttSubscribers <= 64, "mqttSubscribers must be 1..64");
        require(mqttSubscription != SubscriptionMode.PLAIN || mqttSubscribers == 1,
                "mqttSubscribers must be 1 with a plain mqttSubscription (each plain subscriber gets every message,"
                        + " so " + mqttSubscribers + " would store each reading " + mqttSubscribers
                        + " times); use a shared mqttSubscription to spread the load over several connections");
        require(mqttClientIdPrefix != null && !mqttClientIdPrefix.isBlank() && mqttClientIdPrefix.length() <= 60,
                "mqttClientIdPrefix must be 1..60 characters");
        require(mqttSessionExpiry != null && !mqttSessionExpiry.isNegative()
                && mqttSessionExpiry.toSeconds() <= 0xFFFFFFFFL, "mqttSessionExpiry must be 0..2^32-1 s");
        require(kafkaBootstrap != null && !kafkaBootstrap.isBlank(), "kafkaBootstrap must be set");
        require(coapHost != null && !coapHost.isBlank(), "coapHost must be set");
        require(coapPort >= 0 && coapPort <= 65535, "coapPort must be 0..65535");
        require(coapsPort >= 0 && coapsPort <= 65535, "coapsPort must be 0..65535");
        require(coapsPort == 0 || coapsPort != coapPort, "coapsPort must differ from coapPort");
        require(maxPayloadBytes >= 64 && maxPayloadBytes <= 512 * 1024, "maxPayloadBytes must be 64..524288");
        require(readingsTopic != null && !readingsTopic.isBlank(), "readingsTopic must be set");
        require(deadLetterTopic != null && !deadLetterTopic.isBlank(), "deadLetterTopic must be set");
        require(kafkaAckTimeout != null && kafkaAckTimeout.toMillis() >= 1000 && kafkaAckTimeout.toMinutes() <= 10,
                "kafkaAckTimeout must be 1 s..10 min");
        require(ackPort >= 0 && ackPort <= 65535, "ackPort must be 0..65535");
        require(metricsInfluxUrl == null || List.of("http", "https").contains(URI.create(metricsInfluxUrl).getScheme()),
                "metricsInfluxUrl must be null or a URL like http://host:8086");
        require(metricsDatabase != null && !metricsDatabase.isBlank(), "metricsDatabase must be set");
        require(metricsStep != null && metricsStep.toMillis() >= 1000, "metricsStep must be at least 1 s");
        require(prometheusPort == null || prometheusPort >= 0 && prometheusPort <= 65535,
                "prometheusPort must be null or 0..65535");
        require(security != null, "security must be set");
        security.validate();
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("gateway config: " + message);
        }
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public GatewayConfig withMqttUrl(String v) {
        return toBuilder().mqttUrl(v).build();
    }

    public GatewayConfig withMqttSubscribers(int v) {
        return toBuilder().mqttSubscribers(v).build();
    }

    public GatewayConfig withMqttSubscription(SubscriptionMode v) {
        return toBuilder().mqttSubscription(v).build();
    }

    /** A shared subscription from {@code connections} connections: to scale out over connections and instances. */
    public GatewayConfig withSharedSubscription(int connections) {
        return toBuilder().mqttSubscription(SubscriptionMode.SHARED).mqttSubscribers(connections).build();
    }

    /** Sets {@link #mqttClientIdPrefix} to {@value #CLIENT_ID_PREFIX} + the instance id. */
    public GatewayConfig withInstanceId(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return toBuilder().mqttClientIdPrefix(CLIENT_ID_PREFIX + instanceId).build();
    }

    public GatewayConfig withMqttSessionExpiry(Duration v) {
        return toBuilder().mqttSessionExpiry(v).build();
    }

    public GatewayConfig withKafkaBootstrap(String v) {
        return toBuilder().kafkaBootstrap(v).build();
    }

    public GatewayConfig withCoap(String host, int port) {
        return toBuilder().coapHost(host).coapPort(port).build();
    }

    /** UDP port of CoAPS (DTLS PSK), served when a registry is configured. */
    public GatewayConfig withCoapsPort(int v) {
        return toBuilder().coapsPort(v).build();
    }

    /** With a registry, also serve unauthenticated plain CoAP (development only). */
    public GatewayConfig withCoapPlain(boolean v) {
        return toBuilder().coapPlain(v).build();
    }

    public GatewayConfig withMaxPayloadBytes(int v) {
        return toBuilder().maxPayloadBytes(v).build();
    }

    public GatewayConfig withTopics(String readings, String deadLetters) {
        return toBuilder().readingsTopic(readings).deadLetterTopic(deadLetters).build();
    }

    public GatewayConfig withKafkaAckTimeout(Duration v) {
        return toBuilder().kafkaAckTimeout(v).build();
    }

    public GatewayConfig withAckPort(int v) {
        return toBuilder().ackPort(v).build();
    }

    /** Writes the gateway's metrics to this InfluxDB every {@code step}; a null url keeps them in-process. */
    public GatewayConfig withMetricsInflux(String url, String database, Duration step) {
        return toBuilder().metricsInfluxUrl(url).metricsDatabase(database).metricsStep(step).build();
    }

    /** Serves the gateway's metrics for Prometheus on {@code http://127.0.0.1:{port}/metrics}; null: not at all. */
    public GatewayConfig withPrometheusPort(Integer port) {
        return toBuilder().prometheusPort(port).build();
    }

    public GatewayConfig withSecurity(GatewaySecurity v) {
        return toBuilder().security(v).build();
    }

    /** Field-by-field changes; {@link #build()} does not validate ({@link GatewayApplication#start} does). */
    public static final class Builder {
        private String mqttUrl;
        private SubscriptionMode mqttSubscription;
        private int mqttSubscribers;
        private String mqttClientIdPrefix;
        private Duration mqttSessionExpiry;
        private String kafkaBootstrap;
        private String coapHost;
        private int coapPort;
        private int coapsPort;
        private boolean coapPlain;
        private int maxPayloadBytes;
        private String readingsTopic;
        private String deadLetterTopic;
        private Duration kafkaAckTimeout;
        private int ackPort;
        private String metricsInfluxUrl;
        private String metricsDatabase;
        private Duration metricsStep;
        private Integer prometheusPort;
        private GatewaySecurity security;

        private Builder() {}

        private Builder(GatewayConfig c) {
            mqttUrl = c.mqttUrl;
            mqttSubscription = c.mqttSubscription;
            mqttSubscribers = c.mqttSubscribers;
            mqttClientIdPrefix = c.mqttClientIdPrefix;
            mqttSessionExpiry = c.mqttSessionExpiry;
            kafkaBootstrap = c.kafkaBootstrap;
            coapHost = c.coapHost;
            coapPort = c.coapPort;
            coapsPort = c.coapsPort;
            coapPlain = c.coapPlain;
            maxPayloadBytes = c.maxPayloadBytes;
            readingsTopic = c.readingsTopic;
            deadLetterTopic = c.deadLetterTopic;
            kafkaAckTimeout = c.kafkaAckTimeout;
            ackPort = c.ackPort;
            metricsInfluxUrl = c.metricsInfluxUrl;
            metricsDatabase = c.metricsDatabase;
            metricsStep = c.metricsStep;
            prometheusPort = c.prometheusPort;
            security = c.security;
        }

        public Builder mqttUrl(String v) { mqttUrl = v; return this; }
        public Builder mqttSubscription(SubscriptionMode v) { mqttSubscription = v; return this; }
        public Builder mqttSubscribers(int v) { mqttSubscribers = v; return this; }
        public Builder mqttClientIdPrefix(String v) { mqttClientIdPrefix = v; return this; }
        public Builder mqttSessionExpiry(Duration v) { mqttSessionExpiry = v; return this; }
        public Builder kafkaBootstrap(String v) { kafkaBootstrap = v; return this; }
        public Builder coapHost(String v) { coapHost = v; return this; }
        public Builder coapPort(int v) { coapPort = v; return this; }
        public Builder coapsPort(int v) { coapsPort = v; return this; }
        public Builder coapPlain(boolean v) { coapPlain = v; return this; }
        public Builder maxPayloadBytes(int v) { maxPayloadBytes = v; return this; }
        public Builder readingsTopic(String v) { readingsTopic = v; return this; }
        public Builder deadLetterTopic(String v) { deadLetterTopic = v; return this; }
        public Builder kafkaAckTimeout(Duration v) { kafkaAckTimeout = v; return this; }
        public Builder ackPort(int v) { ackPort = v; return this; }
        public Builder metricsInfluxUrl(String v) { metricsInfluxUrl = v; return this; }
        public Builder metricsDatabase(String v) { metricsDatabase = v; return this; }
        public Builder metricsStep(Duration v) { metricsStep = v; return this; }
        public Builder prometheusPort(Integer v) { prometheusPort = v; return this; }
        public Builder security(GatewaySecurity v) { security = v; return this; }

        public GatewayConfig build() {
            return new GatewayConfig(mqttUrl, mqttSubscription, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap,
                    coapHost, coapPort, coapsPort, coapPlain, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, ackPort,
                    metricsInfluxUrl, metricsDatabase, metricsStep, prometheusPort, security);
        }
    }
}

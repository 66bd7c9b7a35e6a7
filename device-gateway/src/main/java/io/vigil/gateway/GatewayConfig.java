package io.vigil.gateway;

import io.vigil.common.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a gateway process is told. Defaults live in {@link #defaults()} only; {@link #validate()} is called
 * once by {@link GatewayApplication#start}.
 *
 * @param mqttUrl            broker the devices publish to
 * @param mqttSubscribers    subscriber connections this gateway opens in the shared subscription group; one Paho
 *                           connection keeps up with only ~15k QoS 1 messages/s
 * @param mqttClientIdPrefix stable per gateway instance ("vigil-gateway-" + instance id): the broker keeps each
 *                           connection's session, and its queued QoS 1 messages, under this id across restarts
 * @param mqttSessionExpiry  how long the broker keeps a disconnected session; messages the broker assigned to a
 *                           session that expires are lost, so restart an instance well within this time
 * @param kafkaBootstrap     Kafka bootstrap servers
 * @param coapHost           address the CoAP server binds
 * @param coapPort           UDP port of the CoAP server; 0 picks a free one
 * @param maxPayloadBytes    larger payloads are refused with TOO_LARGE
 * @param readingsTopic      Kafka topic of canonical readings
 * @param deadLetterTopic    Kafka topic of refused payloads
 * @param kafkaAckTimeout    how long one payload may wait for Kafka's acknowledgement before it counts as failed
 * @param security           device registry, broker login, rate limit and reading checks
 */
public record GatewayConfig(
        String mqttUrl,
        int mqttSubscribers,
        String mqttClientIdPrefix,
        Duration mqttSessionExpiry,
        String kafkaBootstrap,
        String coapHost,
        int coapPort,
        int maxPayloadBytes,
        String readingsTopic,
        String deadLetterTopic,
        Duration kafkaAckTimeout,
        GatewaySecurity security) {

    public static final String CLIENT_ID_PREFIX = "vigil-gateway-";

    public static GatewayConfig defaults() {
        return new GatewayConfig(
                "tcp://127.0.0.1:1883",
                2,
                CLIENT_ID_PREFIX + "1",
                Duration.ofMinutes(10),
                "127.0.0.1:9092",
                "127.0.0.1",
                5683,
                65536,
                Topics.READINGS,
                Topics.DEADLETTER,
                Duration.ofSeconds(10),
                GatewaySecurity.defaults());
    }

    /** Throws {@link IllegalArgumentException} naming the first bad field. */
    public GatewayConfig validate() {
        require(mqttUrl != null && URI.create(mqttUrl).getScheme() != null, "mqttUrl must be a URL like tcp://host:port");
        require(mqttSubscribers >= 1 && mqttSubscribers <= 64, "mqttSubscribers must be 1..64");
        require(mqttClientIdPrefix != null && !mqttClientIdPrefix.isBlank() && mqttClientIdPrefix.length() <= 60,
                "mqttClientIdPrefix must be 1..60 characters");
        require(mqttSessionExpiry != null && !mqttSessionExpiry.isNegative()
                && mqttSessionExpiry.toSeconds() <= 0xFFFFFFFFL, "mqttSessionExpiry must be 0..2^32-1 s");
        require(kafkaBootstrap != null && !kafkaBootstrap.isBlank(), "kafkaBootstrap must be set");
        require(coapHost != null && !coapHost.isBlank(), "coapHost must be set");
        require(coapPort >= 0 && coapPort <= 65535, "coapPort must be 0..65535");
        require(maxPayloadBytes >= 64 && maxPayloadBytes <= 512 * 1024, "maxPayloadBytes must be 64..524288");
        require(readingsTopic != null && !readingsTopic.isBlank(), "readingsTopic must be set");
        require(deadLetterTopic != null && !deadLetterTopic.isBlank(), "deadLetterTopic must be set");
        require(kafkaAckTimeout != null && kafkaAckTimeout.toMillis() >= 1000 && kafkaAckTimeout.toMinutes() <= 10,
                "kafkaAckTimeout must be 1 s..10 min");
        require(security != null, "security must be set");
        security.validate();
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("gateway config: " + message);
        }
    }

    public GatewayConfig withMqttUrl(String v) {
        return new GatewayConfig(v, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap, coapHost,
                coapPort, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, security);
    }

    public GatewayConfig withMqttSubscribers(int v) {
        return new GatewayConfig(mqttUrl, v, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap, coapHost,
                coapPort, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, security);
    }

    /** Sets {@link #mqttClientIdPrefix} to {@value #CLIENT_ID_PREFIX} + the instance id. */
    public GatewayConfig withInstanceId(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return new GatewayConfig(mqttUrl, mqttSubscribers, CLIENT_ID_PREFIX + instanceId, mqttSessionExpiry,
                kafkaBootstrap, coapHost, coapPort, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, security);
    }

    public GatewayConfig withMqttSessionExpiry(Duration v) {
        return new GatewayConfig(mqttUrl, mqttSubscribers, mqttClientIdPrefix, v, kafkaBootstrap, coapHost,
                coapPort, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, security);
    }

    public GatewayConfig withKafkaBootstrap(String v) {
        return new GatewayConfig(mqttUrl, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, v, coapHost,
                coapPort, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, security);
    }

    public GatewayConfig withCoap(String host, int port) {
        return new GatewayConfig(mqttUrl, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap,
                host, port, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, security);
    }

    public GatewayConfig withMaxPayloadBytes(int v) {
        return new GatewayConfig(mqttUrl, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap,
                coapHost, coapPort, v, readingsTopic, deadLetterTopic, kafkaAckTimeout, security);
    }

    public GatewayConfig withTopics(String readings, String deadLetters) {
        return new GatewayConfig(mqttUrl, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap,
                coapHost, coapPort, maxPayloadBytes, readings, deadLetters, kafkaAckTimeout, security);
    }

    public GatewayConfig withKafkaAckTimeout(Duration v) {
        return new GatewayConfig(mqttUrl, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap,
                coapHost, coapPort, maxPayloadBytes, readingsTopic, deadLetterTopic, v, security);
    }

    public GatewayConfig withSecurity(GatewaySecurity v) {
        return new GatewayConfig(mqttUrl, mqttSubscribers, mqttClientIdPrefix, mqttSessionExpiry, kafkaBootstrap,
                coapHost, coapPort, maxPayloadBytes, readingsTopic, deadLetterTopic, kafkaAckTimeout, v);
    }
}

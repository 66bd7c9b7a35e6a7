package io.vigil.gateway.ack;

import io.vigil.common.Protocol;
import io.vigil.common.Rejection;
import io.vigil.common.Topics;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import io.vigil.gateway.mqtt.MessageHandler;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Acknowledgements over MQTT: a message on {@code vigil/ack/{incidentId}} with the same JSON as the HTTP endpoint,
 * the handler of the gateway's {@code vigil/ack/} route. Gateways share the subscription so each acknowledgement is
 * published once; a refused one goes to the dead-letter topic with its reason, like a bad reading.
 */
public final class AcknowledgementMqtt implements MessageHandler {
    private final AcknowledgementPublisher publisher;
    private final Ingest deadLetters;

    public AcknowledgementMqtt(AcknowledgementPublisher publisher, Ingest deadLetters) {
        this.publisher = publisher;
        this.deadLetters = deadLetters;
    }

    @Override
    public Supplier<CompletableFuture<?>> arrived(String topic, MqttMessage message) {
        long now = System.currentTimeMillis();
        String incidentId = topic.startsWith(Topics.MQTT_ACK_PREFIX) ? topic.substring(Topics.MQTT_ACK_PREFIX.length()) : null;
        try {
            Acknowledgement ack = AcknowledgementRequests.parse(incidentId, message.getPayload(), "mqtt " + topic, now);
            return () -> publisher.publish(ack);
        } catch (InvalidAcknowledgement e) {
            MqttProperties props = message.getProperties();
            Inbound in = new Inbound(Protocol.MQTT, topic, null, props == null ? null : props.getContentType(),
                    message.getPayload(), now);
            Rejection rejection = Rejection.of(e.reason(), "acknowledgement: " + e.getMessage());
            return () -> deadLetters.reject(in, rejection);
        }
    }
}

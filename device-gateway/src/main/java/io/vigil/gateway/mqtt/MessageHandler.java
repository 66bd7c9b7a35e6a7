package io.vigil.gateway.mqtt;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * What a subscriber connection does with one arrived message. Called once per arrival (so what the message is, and
 * when it arrived, is fixed then); the returned attempt stores it in Kafka and is run again after a Kafka failure,
 * until Kafka took it. The message is acknowledged to the broker when an attempt completes normally.
 */
@FunctionalInterface
public interface MessageHandler {
    Supplier<CompletableFuture<?>> arrived(String topic, MqttMessage message);

    /**
     * As above, for a message delivered on a connection established at {@code connectedAt} (epoch ms): handlers
     * that rate-limit senders need it to tell what the broker queued while the gateway was away.
     */
    default Supplier<CompletableFuture<?>> arrived(String topic, MqttMessage message, long connectedAt) {
        return arrived(topic, message);
    }
}

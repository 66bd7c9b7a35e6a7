package io.vigil.gateway.mqtt;

import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.Topics;
import io.vigil.gateway.DeviceIds;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import io.vigil.gateway.IngestOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * One topic tree the gateway takes in, {@code {prefix}+}, and the {@link MessageHandler} for its messages. Every
 * subscriber connection subscribes every route in the gateway's {@link SubscriptionMode}, so readings, tag reads
 * and acknowledgements get the same delivery guarantee.
 */
public record MqttRoute(String prefix, MessageHandler handler) {

    public String filter(SubscriptionMode mode) {
        return mode.filter(prefix);
    }

    /** Device readings: {@code vigil/readings/{deviceId}}. */
    public static MqttRoute readings(Ingest ingest) {
        return devices(Topics.MQTT_READINGS_PREFIX, ingest, ingest::ingest, false);
    }

    /**
     * Payloads from devices on {@code {prefix}{deviceId}}, handed to {@code store} (the future completes when Kafka
     * has the records). A topic without a valid device id is dead-lettered as BAD_ADDRESS; with
     * {@code personalData} that dead letter keeps no payload bytes.
     */
    public static MqttRoute devices(String prefix, Ingest ingest,
            Function<Inbound, CompletableFuture<IngestOutcome>> store, boolean personalData) {
        return new MqttRoute(prefix, new MessageHandler() {
            @Override
            public Supplier<CompletableFuture<?>> arrived(String topic, MqttMessage message) {
                return arrived(topic, message, 0);
            }

            @Override
            public Supplier<CompletableFuture<?>> arrived(String topic, MqttMessage message, long connectedAt) {
                MqttProperties props = message.getProperties();
                String contentType = props == null ? null : props.getContentType();
                String deviceId = DeviceIds.ofMqttTopic(prefix, topic);
                byte[] payload = message.getPayload();
                // DUP is the broker's own flag on its redelivery to us; a device's DUP is not forwarded.
                // One Inbound per arrival: built whole rather than copied by withers
                Inbound in = new Inbound(Protocol.MQTT, topic, deviceId, contentType,
                        payload == null ? new byte[0] : payload, System.currentTimeMillis(), message.isDuplicate(),
                        null, connectedAt);
                if (deviceId == null) {
                    Inbound kept = personalData ? in.withoutPayload() : in;
                    Rejection rejection = Rejection.of(RejectReason.BAD_ADDRESS,
                            "topic does not fit " + prefix + "{deviceId}: " + topic);
                    return () -> ingest.reject(kept, rejection);
                }
                return () -> store.apply(in);
            }
        });
    }
}

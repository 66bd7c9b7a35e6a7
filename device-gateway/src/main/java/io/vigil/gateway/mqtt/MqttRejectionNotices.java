package io.vigil.gateway.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vigil.common.Protocol;
import io.vigil.common.Rejection;
import io.vigil.common.Topics;
import io.vigil.common.serde.Json;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.RejectionNotices;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a short notice to {@code vigil/rejections/{deviceId}} for each payload refused from an MQTT device's own
 * topic, so a device (or its maker, with {@code mosquitto_sub}) learns why: reason code, detail, topic, time and at
 * most {@value #EXCERPT_BYTES} bytes of the payload (as text when printable ASCII, else as hex). The broker's ACL lets
 * only that device read it. QoS 1, not retained; a notice that cannot go out at once (broker away, too many in
 * flight) is dropped, never waited for: ingest must not slow down for it. CoAP devices get the reason in the
 * response instead, and a payload on someone else's topic gets no notice, so nobody can make the gateway write to
 * another device's notices.
 */
public final class MqttRejectionNotices implements RejectionNotices, AutoCloseable {
    static final int EXCERPT_BYTES = 32;
    static final int DETAIL_CHARS = 200;
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(MqttRejectionNotices.class);
    /** Every non-ASCII character escaped: a notice shown by mosquitto_sub cannot act on the terminal. */
    private static final ObjectWriter JSON = Json.mapper().writer()
            .with(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());

    private final MqttAsyncClient client;

    private MqttRejectionNotices(MqttAsyncClient client) {
        this.client = client;
    }

    /** Connects (and again after a broker restart); notices while disconnected are dropped. */
    public static MqttRejectionNotices start(GatewayConfig config) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(config.mqttUrl(), config.mqttClientIdPrefix() + "-notices",
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay((int) MqttIngest.MAX_RECONNECT_DELAY.toMillis());
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        if (config.security().mqttUsername() != null) {
            options.setUserName(config.security().mqttUsername());
            options.setPassword(config.security().mqttPassword().getBytes(StandardCharsets.UTF_8));
        }
        try {
            client.connect(options).waitForCompletion(CONNECT_TIMEOUT_MS);
        } catch (MqttException e) {
            // the gateway serves without notices rather than not at all; devices still get dead letters
            LOG.warn("rejection notices are off: cannot connect to {} as {}: {}", config.mqttUrl(),
                    config.security().mqttUsername(), e.toString());
        }
        return new MqttRejectionNotices(client);
    }

    @Override
    public void refused(Inbound in, Rejection rejection) {
        String topic = noticeTopic(in);
        if (topic == null || !client.isConnected()) {
            return;
        }
        try {
            client.publish(topic, notice(in, rejection), 1, false);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("rejection notice to {} dropped: {}", topic, e.toString());
        }
    }

    /** The device's notice topic when the payload came over MQTT on that device's own topic; else null. */
    static String noticeTopic(Inbound in) {
        String device = in.deviceId();
        if (in.protocol() != Protocol.MQTT || device == null || in.source() == null
                || !in.source().equals(Topics.MQTT_READINGS_PREFIX + device)
                && !in.source().equals(Topics.MQTT_TAGREADS_PREFIX + device)) {
            return null;
        }
        return Topics.MQTT_REJECTIONS_PREFIX + device;
    }

    static byte[] notice(Inbound in, Rejection rejection) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("reason", rejection.reason().name());
        String detail = rejection.detail() == null ? "" : rejection.detail();
        n.put("detail", detail.length() > DETAIL_CHARS ? detail.substring(0, DETAIL_CHARS) + "..." : detail);
        n.put("topic", in.source());
        n.put("receivedAt", Instant.ofEpochMilli(in.receivedAt()).toString());
        n.put("bytes", in.payload().length);
        byte[] head = java.util.Arrays.copyOf(in.payload(), Math.min(EXCERPT_BYTES, in.payload().length));
        if (printableAscii(head)) {
            n.put("excerpt", new String(head, StandardCharsets.US_ASCII));
        } else {
            n.put("excerptHex", java.util.HexFormat.of().formatHex(head));
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serialises", e);
        }
    }

    private static boolean printableAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(5000);
            }
            client.close();
        } catch (MqttException e) {
            LOG.debug("closing the rejection notice publisher: {}", e.toString());
        }
    }
}

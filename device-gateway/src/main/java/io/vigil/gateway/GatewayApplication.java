package io.vigil.gateway;

import io.vigil.common.codec.Payloads;
import io.vigil.gateway.coap.CoapIngest;
import io.vigil.gateway.mqtt.MqttIngest;
import io.vigil.common.registry.DeviceRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of a gateway process: one Kafka producer, one {@link Ingest}, and the MQTT and CoAP
 * transports over it. It is handed its {@link GatewayConfig}; it reads nothing from the environment itself.
 */
public final class GatewayApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Producer<String, byte[]> producer;
    private MqttIngest mqtt;
    private CoapIngest coap;

    private GatewayApplication(GatewayConfig config, GatewayMetrics metrics, Producer<String, byte[]> producer) {
        this.config = config;
        this.metrics = metrics;
        this.producer = producer;
    }

    /** Starts everything or nothing: if one part fails to start, the parts already started are closed. */
    public static GatewayApplication start(GatewayConfig config) throws Exception {
        config.validate();
        GatewayMetrics metrics = new GatewayMetrics();
        GatewayApplication app = new GatewayApplication(config, metrics, KafkaProducers.create(config));
        try {
            Ingest ingest = new Ingest(app.producer, Payloads::decode, metrics, config,
                    new Admission(registry(config), config.security()));
            app.coap = CoapIngest.start(config, ingest);
            app.mqtt = MqttIngest.start(config, ingest);
        } catch (Exception e) {
            app.close();
            throw e;
        }
        LOG.info("gateway {} up: MQTT {} x{}, CoAP {}:{}, Kafka {}", config.mqttClientIdPrefix(), config.mqttUrl(),
                config.mqttSubscribers(), config.coapHost(), app.coapPort(), config.kafkaBootstrap());
        return app;
    }

    /** The registry, re-read when its file changes so a revocation takes effect without a restart; null: open. */
    private static Supplier<DeviceRegistry> registry(GatewayConfig config) throws IOException {
        Path file = config.security().registryFile();
        if (file == null) {
            LOG.warn("no device registry configured: accepting any device id (development mode)");
            return null;
        }
        return RegistryFile.watch(file);
    }

    public GatewayConfig config() {
        return config;
    }

    public int coapPort() {
        return coap.port();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** MQTT first (it drains in-flight messages into Kafka), then CoAP, then Kafka is flushed and closed. */
    @Override
    public void close() {
        if (mqtt != null) {
            mqtt.close();
        }
        if (coap != null) {
            coap.close();
        }
        try {
            producer.flush();
        } catch (RuntimeException e) {
            LOG.warn("flushing Kafka at shutdown failed", e);
        }
        producer.close(Duration.ofSeconds(10));
        LOG.info("gateway {} stopped: {}", config.mqttClientIdPrefix(), metrics);
    }
}

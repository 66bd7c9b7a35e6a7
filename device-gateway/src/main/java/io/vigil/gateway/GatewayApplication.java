package io.vigil.gateway;

import io.vigil.common.codec.Payloads;
import io.vigil.gateway.ack.AcknowledgementHttp;
import io.vigil.gateway.ack.AcknowledgementMqtt;
import io.vigil.gateway.ack.AcknowledgementPublisher;
import io.vigil.gateway.coap.CoapIngest;
import io.vigil.gateway.mqtt.MqttIngest;
import java.time.Duration;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of a gateway process: one Kafka producer, one {@link Ingest}, and the MQTT and CoAP
 * transports over it, plus the acknowledgement endpoints (HTTP and MQTT) on the same producer. It is handed its {@link GatewayConfig}; it reads nothing from the environment itself.
 */
public final class GatewayApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Producer<String, byte[]> producer;
    private MqttIngest mqtt;
    private CoapIngest coap;
    private MqttIngest mqttAcks;
    private AcknowledgementHttp httpAcks;

    private GatewayApplication(GatewayConfig config, GatewayMetrics metrics, Producer<String, byte[]> producer) {
        this.config = config;
        this.metrics = metrics;
        this.producer = producer;
    }

    /** Starts everything or nothing: if one part fails to start, the parts already started are closed. */
    public static GatewayApplication start(GatewayConfig config) throws Exception {
        config.validate();
        GatewayMetrics metrics = MetricsRegistries.forConfig(config);
        GatewayApplication app = new GatewayApplication(config, metrics, KafkaProducers.create(config));
        try {
            Ingest ingest = new Ingest(app.producer, Payloads::decode, metrics, config);
            app.coap = CoapIngest.start(config, ingest);
            app.mqtt = MqttIngest.start(config, ingest);
            AcknowledgementPublisher acks = new AcknowledgementPublisher(new KafkaSender(app.producer, metrics));
            app.mqttAcks = MqttIngest.subscribe(config, config.mqttClientIdPrefix() + "-ack",
                    AcknowledgementMqtt.SHARED_FILTER, 1, new AcknowledgementMqtt(acks, ingest));
            app.httpAcks = AcknowledgementHttp.start(config.ackPort(), acks, config.kafkaAckTimeout());
        } catch (Exception e) {
            app.close();
            throw e;
        }
        LOG.info("gateway {} up: MQTT {} x{}, CoAP {}:{}, acknowledgements http://127.0.0.1:{}, Kafka {}",
                config.mqttClientIdPrefix(), config.mqttUrl(), config.mqttSubscribers(), config.coapHost(),
                app.coapPort(), app.ackPort(), config.kafkaBootstrap());
        return app;
    }

    public GatewayConfig config() {
        return config;
    }

    public int coapPort() {
        return coap.port();
    }

    /** Port of {@code POST http://127.0.0.1:{port}/incidents/{id}/ack}. */
    public int ackPort() {
        return httpAcks.port();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** MQTT first (it drains in-flight messages into Kafka), then CoAP and HTTP, then Kafka is flushed and closed. */
    @Override
    public void close() {
        if (mqtt != null) {
            mqtt.close();
        }
        if (mqttAcks != null) {
            mqttAcks.close();
        }
        if (httpAcks != null) {
            httpAcks.close();
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
        metrics.registry().close(); // an InfluxDB registry writes its last step here
        LOG.info("gateway {} stopped: {}", config.mqttClientIdPrefix(), metrics);
    }
}

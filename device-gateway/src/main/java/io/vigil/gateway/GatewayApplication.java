package io.vigil.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.common.rfid.TagPseudonyms;
import io.vigil.gateway.ack.AcknowledgementHttp;
import io.vigil.gateway.ack.AcknowledgementMqtt;
import io.vigil.gateway.ack.AcknowledgementPublisher;
import io.vigil.gateway.coap.CoapIngest;
import io.vigil.gateway.coap.IngestResource;
import io.vigil.gateway.mqtt.MqttIngest;
import io.vigil.gateway.mqtt.MqttRejectionNotices;
import io.vigil.gateway.mqtt.MqttRoute;
import io.vigil.gateway.rfid.RfidGatewayConfig;
import io.vigil.gateway.rfid.TagReadIngest;
import io.vigil.common.registry.DeviceRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of a gateway process: one Kafka producer, one {@link Ingest}, the MQTT routes (readings,
 * acknowledgements and, with RFID configured, tag reads) and CoAP resources over it, and the HTTP acknowledgement
 * endpoint on the same producer. It is handed its configs; it reads nothing from the environment itself.
 */
public final class GatewayApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Producer<String, byte[]> producer;
    private MqttIngest mqtt;
    private CoapIngest coap;
    private AcknowledgementHttp httpAcks;
    private PrometheusEndpoint prometheus;
    private MqttRejectionNotices notices;

    private GatewayApplication(GatewayConfig config, GatewayMetrics metrics, Producer<String, byte[]> producer) {
        this.config = config;
        this.metrics = metrics;
        this.producer = producer;
    }

    /** Starts everything or nothing: if one part fails to start, the parts already started are closed. */
    public static GatewayApplication start(GatewayConfig config) throws Exception {
        return start(config, null);
    }

    /** @param rfid RFID tag-read ingest settings, or null to take in readings only */
    public static GatewayApplication start(GatewayConfig config, RfidGatewayConfig rfid) throws Exception {
        config.validate();
        Site site = null;
        if (rfid != null) {
            rfid.validate();
            site = rfid.siteFile() == null ? null : SiteLoader.load(rfid.siteFile());
        }
        PrometheusMeterRegistry prometheus = config.prometheusPort() == null ? null
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayMetrics metrics = MetricsRegistries.forConfig(config, prometheus);
        GatewayApplication app = new GatewayApplication(config, metrics, KafkaProducers.create(config));
        try {
            if (prometheus != null) {
                app.prometheus = PrometheusEndpoint.start(config.prometheusPort(), prometheus);
            }
            Supplier<DeviceRegistry> registry = registry(config);
            Ingest ingest = new Ingest(app.producer, Payloads::decode, metrics, config,
                    new Admission(registry, config.security()));
            AcknowledgementPublisher acks = new AcknowledgementPublisher(new KafkaSender(app.producer, metrics));
            List<MqttRoute> routes = new ArrayList<>(List.of(MqttRoute.readings(ingest),
                    new MqttRoute(Topics.MQTT_ACK_PREFIX, new AcknowledgementMqtt(acks, ingest))));
            List<IngestResource> resources = new ArrayList<>();
            if (rfid != null) {
                TagReadIngest tags = new TagReadIngest(ingest, site, new TagPseudonyms(rfid.pseudonymKey()),
                        rfid.tagReadsTopic(), config.security());
                routes.add(tags.mqttRoute());
                resources.add(tags.coapResource());
            }
            app.coap = CoapIngest.start(config, ingest, resources, registry);
            app.httpAcks = AcknowledgementHttp.start(config.ackPort(), acks, config.kafkaAckTimeout());
            app.notices = MqttRejectionNotices.start(config);
            ingest.tellDevices(app.notices);
            app.mqtt = MqttIngest.start(config, routes);
        } catch (Exception e) {
            app.close();
            throw e;
        }
        LOG.info("gateway {} up: MQTT {} {} x{}, CoAP {} port {} (plain) / {} (DTLS), acknowledgements "
                + "http://127.0.0.1:{}, Kafka {}", config.mqttClientIdPrefix(), config.mqttUrl(),
                config.mqttSubscription(), config.mqttSubscribers(), config.coapHost(), app.coapPort(), app.coapsPort(), app.ackPort(),
                config.kafkaBootstrap());
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

    /** The plain CoAP port, -1 when plain CoAP is off (a registry is configured and coapPlain is not set). */
    public int coapPort() {
        return coap.port();
    }

    /** The CoAPS (DTLS PSK) port, -1 without a registry. */
    public int coapsPort() {
        return coap.securePort();
    }

    /** Port of {@code POST http://127.0.0.1:{port}/incidents/{id}/ack}. */
    public int ackPort() {
        return httpAcks.port();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Port of {@code GET http://127.0.0.1:{port}/metrics} for Prometheus, -1 when not configured. */
    public int prometheusPort() {
        return prometheus == null ? -1 : prometheus.port();
    }

    /** MQTT first (it drains in-flight messages into Kafka), then CoAP and HTTP, then Kafka is flushed and closed. */
    @Override
    public void close() {
        if (mqtt != null) {
            mqtt.close();
        }
        if (httpAcks != null) {
            httpAcks.close();
        }
        if (coap != null) {
            coap.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (notices != null) {
            notices.close(); // after MQTT and CoAP: refusals while they drained still told their devices
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

package io.vigil.app;

import io.vigil.gateway.GatewayApplication;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.GatewaySecurity;
import io.vigil.gateway.mqtt.SubscriptionMode;
import io.vigil.gateway.rfid.RfidGatewayConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options left out keep {@link GatewayConfig#defaults()}: defaults live there only. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Runs the device gateway: MQTT (vigil/readings/+, or $share/vigil/vigil/readings/+ with",
                "--subscription shared) and CoAP (POST /readings/{device}) to Kafka vigil.readings, rejects to",
                "vigil.deadletter; acknowledgements",
                "(HTTP POST /incidents/{id}/ack, MQTT vigil/ack/{id}) to vigil.control and vigil.audit. Runs until stopped."})
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--mqtt-url", description = "MQTT broker (default tcp://127.0.0.1:1883).") String mqttUrl;
    @Option(names = "--subscription", paramLabel = "plain|shared", description = "plain (default): one gateway per broker,"
            + " one connection, nothing lost when the broker restarts. shared: several connections (--subscribers)"
            + " and gateway instances share the load, but readings published between a broker restart and the"
            + " gateway's return are lost (Mosquitto 2.0 does not restore shared subscriptions).") String subscription;
    @Option(names = "--subscribers", description = "Subscriber connections (default 1; more only with --subscription shared).") Integer subscribers;
    @Option(names = "--instance", description = "Gateway instance id; keeps MQTT sessions across restarts (default 1)."
            + " Give gateways that share a subscription distinct numbers 0..999: they also keep their store times apart.")
    String instance;
    @Option(names = "--kafka", description = "Kafka bootstrap servers (default 127.0.0.1:9092).") String kafka;
    @Option(names = "--coap-host", description = "CoAP bind address (default 127.0.0.1).") String coapHost;
    @Option(names = "--coap-port", description = "Plain CoAP port (default 5683; 0 = any free port).") Integer coapPort;
    @Option(names = "--coaps-port", description = "CoAPS (DTLS PSK) port, served with --registry (default 5684; 0 = any free port).") Integer coapsPort;
    @Option(names = "--coap-plain", description = "With --registry, also serve unauthenticated plain CoAP (development only).") boolean coapPlain;
    @Option(names = "--ack-port", description = "Loopback HTTP port for POST /incidents/{id}/ack (default 8089; 0 = any free port).") Integer ackPort;
    @Option(names = "--max-payload", description = "Largest payload in bytes (default 65536).") Integer maxPayload;
    @Option(names = "--registry", description = "Device registry file; without it any device is accepted (development).") java.nio.file.Path registry;
    @Option(names = "--mqtt-user", description = "The gateway's broker user name.") String mqttUser;
    @Option(names = "--mqtt-password-file", description = "File whose first line is the gateway's broker password.") java.nio.file.Path mqttPasswordFile;
    @Option(names = "--rate-limit", description = "Payloads per second per device (default 50; 0 = off).") Double rateLimit;
    @Option(names = "--rate-burst", description = "Payloads a quiet device may send at once (default 200).") Integer rateBurst;
    @Option(names = "--site", paramLabel = "FILE", description = "RFID site file: take in tag reads on vigil/tagreads/{reader} (needs --pseudonym-key-file).") java.nio.file.Path site;
    @Option(names = "--pseudonym-key-file", paramLabel = "FILE", description = "Hex key for person-tag pseudonyms (at least 16 bytes); enables RFID tag reads.") java.nio.file.Path pseudonymKeyFile;
    @Option(names = "--metrics-influx-url", description = "Write the gateway's metrics to this InfluxDB, database vigil (default: off).") String metricsInfluxUrl;
    @Option(names = "--prometheus-port", description = "Serve the gateway's metrics for Prometheus on http://127.0.0.1:PORT/metrics (default: off; 0 = any free port).") Integer prometheusPort;

    @Override
    public Integer call() throws Exception {
        GatewayConfig config;
        RfidGatewayConfig rfid;
        GatewayApplication gateway;
        try {
            config = config();
            if (site != null && pseudonymKeyFile == null) {
                throw new IllegalArgumentException("--site needs --pseudonym-key-file: person tags are pseudonymised with it");
            }
            rfid = pseudonymKeyFile == null ? null
                    : RfidGatewayConfig.of(site, PseudonymKeyFile.read(pseudonymKeyFile));
            gateway = GatewayApplication.start(config, rfid);
        } catch (IllegalArgumentException badOption) {
            // e.g. a plain subscription with several --subscribers: say which option, not a stack trace. Not
            // "gateway: ", which a parent (the demo, ChildJvm) takes for the ready line.
            System.err.println("vigil gateway: " + badOption.getMessage());
            return 2;
        }
        System.out.printf("gateway: MQTT %s (%s subscription x%d), CoAP %s, acknowledgements"
                + " http://127.0.0.1:%d/incidents/{id}/ack and MQTT vigil/ack/{id}, Kafka %s%n", config.mqttUrl(),
                config.mqttSubscription(), config.mqttSubscribers(), coapAddresses(config, gateway), gateway.ackPort(),
                config.kafkaBootstrap());
        if (rfid != null) {
            System.out.printf("gateway: RFID tag reads on MQTT %s{reader} and CoAP /tagreads/{reader}, site %s%n",
                    io.vigil.common.Topics.MQTT_TAGREADS_PREFIX, site == null ? "(none: every tag pseudonymised)" : site);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stop.countDown();
        }, "gateway-stop"));
        stop.await();
        return 0;
    }

    private GatewayConfig config() throws java.io.IOException {
        GatewayConfig config = GatewayConfig.defaults();
        if (mqttUrl != null) config = config.withMqttUrl(mqttUrl);
        if (subscription != null) config = config.withMqttSubscription(SubscriptionMode.parse(subscription));
        if (subscribers != null) config = config.withMqttSubscribers(subscribers);
        if (instance != null) config = config.withInstanceId(instance);
        if (kafka != null) config = config.withKafkaBootstrap(kafka);
        if (coapHost != null || coapPort != null) {
            config = config.withCoap(coapHost != null ? coapHost : config.coapHost(),
                    coapPort != null ? coapPort : config.coapPort());
        }
        if (coapsPort != null) config = config.withCoapsPort(coapsPort);
        if (coapPlain) config = config.withCoapPlain(true);
        if (maxPayload != null) config = config.withMaxPayloadBytes(maxPayload);
        GatewaySecurity security = config.security();
        if (registry != null) security = security.withRegistry(registry);
        if (mqttUser != null) {
            if (mqttPasswordFile == null) {
                throw new IllegalArgumentException("--mqtt-user needs --mqtt-password-file");
            }
            security = security.withMqttLogin(mqttUser, java.nio.file.Files.readAllLines(mqttPasswordFile).get(0).strip());
        }
        if (rateLimit != null || rateBurst != null) {
            security = security.withRateLimit(rateLimit != null ? rateLimit : security.ratePerSecond(),
                    rateBurst != null ? rateBurst : security.rateBurst());
        }
        config = config.withSecurity(security);
        if (ackPort != null) config = config.withAckPort(ackPort);
        if (metricsInfluxUrl != null) config = config.withMetricsInflux(metricsInfluxUrl, config.metricsDatabase(), config.metricsStep());
        if (prometheusPort != null) config = config.withPrometheusPort(prometheusPort);
        return config;
    }

    private static String coapAddresses(GatewayConfig config, GatewayApplication gateway) {
        java.util.List<String> served = new java.util.ArrayList<>();
        if (gateway.coapsPort() >= 0) {
            served.add("coaps://%s:%d/readings/{device} (DTLS PSK)".formatted(config.coapHost(), gateway.coapsPort()));
        }
        if (gateway.coapPort() >= 0) {
            served.add("coap://%s:%d/readings/{device} (plain)".formatted(config.coapHost(), gateway.coapPort()));
        }
        return String.join(" and ", served);
    }
}

package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MosquittoAccess;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.common.registry.ServiceAccount;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import io.vigil.testing.StackFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The gateway with a registry behind an authenticating broker, on real Mosquitto and Kafka. */
@Tag("servers")
class SecuredGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GATEWAY_PASSWORD = Secrets.newPassword();
    private static final String G1_PASSWORD = Secrets.newPassword();
    private static final String G2_PASSWORD = Secrets.newPassword();
    private static final String G3_PASSWORD = Secrets.newPassword();

    @TempDir
    static Path dir;
    static MosquittoServer mosquitto;
    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(KAFKA);
    static GatewayApplication gateway;
    static KafkaTopicsReader kafka;
    static Path registryFile;
    static Path tlsCert;

    @BeforeAll
    static void start() throws Exception {
        DeviceRegistry registry = DeviceRegistry.empty()
                .with(new RegisteredDevice("g1", "city", "riverside", null, Secrets.mosquittoHash(G1_PASSWORD),
                        Secrets.newPskKey(), Set.of(), false))
                .with(new RegisteredDevice("g2", "city", "harbour", null, Secrets.mosquittoHash(G2_PASSWORD),
                        Secrets.newPskKey(), Set.of(), false))
                .with(new RegisteredDevice("g3", "city", "harbour", null, Secrets.mosquittoHash(G3_PASSWORD),
                        Secrets.newPskKey(), Set.of(), false));
        registryFile = dir.resolve("devices.yaml");
        registry.save(registryFile);
        List<Path> access = MosquittoAccess.write(registry, List.of(new ServiceAccount("vigil-gateway",
                Secrets.mosquittoHash(GATEWAY_PASSWORD), ServiceAccount.Role.GATEWAY)), dir.resolve("access"));
        tlsCert = dir.resolve("broker-cert.pem");
        Path key = dir.resolve("broker-key.pem");
        selfSignedCertificate(tlsCert, key);
        mosquitto = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp()).withAccess(access.get(0), access.get(1))
                .withTls(new MosquittoServer.Tls(FreePorts.tcp(), tlsCert, key));
        mosquitto.start();
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("secured")
                .withMqttUrl(mosquitto.url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withCoapsPort(0)
                .withCoapPlain(true)
                .withAckPort(0)
                .withSecurity(GatewaySecurity.defaults().withRegistry(registryFile)
                        .withMqttLogin("vigil-gateway", GATEWAY_PASSWORD)));
        kafka = new KafkaTopicsReader(servers.kafka().bootstrapServers(), servers.topic(Topics.READINGS),
                servers.topic(Topics.DEADLETTER));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    /** A certificate for 127.0.0.1 with its key, as a broker operator would make one (openssl, PEM). */
    private static void selfSignedCertificate(Path cert, Path key) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("openssl: %s", output).isZero();
    }

    /** A client that trusts exactly the broker's certificate (a device provisioned with it). */
    private static SSLSocketFactory trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("broker", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls.getSocketFactory();
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static MqttConnectionOptions login(String id, String password) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(id);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setConnectionTimeout(10);
        return o;
    }

    @Test
    void aDeviceOnTheTlsListenerLogsInAndItsReadingsArriveWhileStrangersToTheCertificateCannotConnect()
            throws Exception {
        MqttClient g1 = new MqttClient(mosquitto.tlsUrl(), "g1-tls-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = login("g1", G1_PASSWORD);
        o.setSocketFactory(trusting(tlsCert));
        o.setHttpsHostnameVerificationEnabled(true);
        g1.connect(o);
        try {
            Devices.publish(g1, "vigil/readings/g1", "{\"metric\":\"level\",\"value\":7.25}", Payloads.JSON);
            await().atMost(WAIT).until(() -> kafka.poll().readingsOf("g1").stream().anyMatch(r -> r.value() == 7.25));
        } finally {
            g1.disconnect();
            g1.close();
        }

        MqttClient trustsTheDefaultCas = new MqttClient(mosquitto.tlsUrl(), "g1-untrusting", new MemoryPersistence());
        assertThatThrownBy(() -> trustsTheDefaultCas.connect(login("g1", G1_PASSWORD)))
                .as("a self-signed broker certificate is refused by a client not provisioned with it")
                .isInstanceOf(MqttException.class)
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(javax.net.ssl.SSLHandshakeException.class));
        trustsTheDefaultCas.close();

        MqttClient wrongPassword = new MqttClient(mosquitto.tlsUrl(), "g1-wrong", new MemoryPersistence());
        MqttConnectionOptions wrong = login("g1", "not-" + G1_PASSWORD);
        wrong.setSocketFactory(trusting(tlsCert));
        assertThatThrownBy(() -> wrongPassword.connect(wrong)).as("the TLS listener keeps the broker's logins")
                .isInstanceOf(MqttException.class)
                .satisfies(e -> assertThat(causes(e)).doesNotHaveAnyElementsOfTypes(javax.net.ssl.SSLException.class));
        wrongPassword.close();
    }

    private static MqttClient device(String id, String password) throws Exception {
        MqttClient c = new MqttClient(mosquitto.url(), id + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(id);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        c.connect(o);
        return c;
    }

    @Test
    void readingsTakeSiteAndZoneFromTheRegistryAndSpoofedDeviceFieldsAreDeadLettered() throws Exception {
        MqttClient g1 = device("g1", G1_PASSWORD);
        try {
            Devices.publish(g1, "vigil/readings/g1",
                    "{\"metric\":\"level\",\"value\":1.5,\"zone\":\"elsewhere\",\"site\":\"nowhere\"}", Payloads.JSON);
            Devices.publish(g1, "vigil/readings/g1", "{\"device\":\"g2\",\"metric\":\"level\",\"value\":9}", Payloads.JSON);
            Devices.publish(g1, "vigil/readings/g1", "[{\"bn\":\"g2/\",\"n\":\"level\",\"v\":9}]", Payloads.SENML_JSON);
        } finally {
            g1.disconnect();
            g1.close();
        }
        await().atMost(WAIT).until(() -> kafka.poll().deadLetters(d -> "g1".equals(d.deviceId())).size() >= 2
                && !kafka.readingsOf("g1").isEmpty());
        Reading r = kafka.readingsOf("g1").get(0);
        assertThat(r.zone()).isEqualTo("riverside");
        assertThat(r.site()).isEqualTo("city");
        assertThat(kafka.readingsOf("g1")).hasSize(1);
        assertThat(kafka.deadLetters(d -> "g1".equals(d.deviceId())))
                .extracting(d -> d.value().reason()).containsOnly(RejectReason.DEVICE_MISMATCH);
        assertThat(gateway.metrics().rejections(RejectReason.DEVICE_MISMATCH)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRepeatedSequenceNumberIsDeadLetteredAsDuplicate() throws Exception {
        MqttClient g3 = device("g3", G3_PASSWORD);
        try {
            // no device time, so only the sequence number tells the replay apart
            for (int i = 0; i < 2; i++) {
                Devices.publish(g3, "vigil/readings/g3", "{\"metric\":\"rain\",\"value\":3,\"seq\":900}",
                        Payloads.JSON);
            }
        } finally {
            g3.disconnect();
            g3.close();
        }
        await().atMost(WAIT).until(() -> !kafka.poll().deadLetters(d -> "g3".equals(d.deviceId())
                && d.reason() == RejectReason.DUPLICATE).isEmpty() && !kafka.readingsOf("g3").isEmpty());
        assertThat(kafka.readings(r -> r.deviceId().equals("g3") && r.metric().equals("rain")))
                .singleElement().satisfies(r -> assertThat(r.value().seq()).isEqualTo(900L));
    }

    @Test
    void coapFromAnUnregisteredDeviceIsRefusedAndDeadLettered() throws Exception {
        CoapClient coap = Devices.coapClient(gateway.coapPort());
        try {
            CoapResponse response = Devices.post(coap, gateway.coapPort(), "/readings/stranger",
                    "{\"metric\":\"level\",\"value\":1}".getBytes(StandardCharsets.UTF_8), 50);
            assertThat(response.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
        } finally {
            coap.shutdown();
            coap.getEndpoint().destroy();
        }
        await().atMost(WAIT).until(() -> !kafka.poll().deadLetters(d -> "stranger".equals(d.deviceId())).isEmpty());
        assertThat(kafka.deadLetters(d -> "stranger".equals(d.deviceId())).get(0).value().reason())
                .isEqualTo(RejectReason.UNKNOWN_DEVICE);
    }

    @Test
    void aRevocationInTheRegistryFileTakesEffectWithoutARestart() throws Exception {
        DeviceRegistry.load(registryFile).revoke("g2").save(registryFile);
        MqttClient g2 = device("g2", G2_PASSWORD); // the broker's files were not regenerated: the gateway must refuse
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                Devices.publish(g2, "vigil/readings/g2", "{\"metric\":\"level\",\"value\":2}", Payloads.JSON);
                return !kafka.poll().deadLetters(d -> "g2".equals(d.deviceId())
                        && d.reason() == RejectReason.DEVICE_REVOKED).isEmpty();
            });
        } finally {
            g2.disconnect();
            g2.close();
        }
    }
}

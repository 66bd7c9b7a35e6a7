package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import io.vigil.testing.StackFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** CoAPS with DTLS PSK from the device registry, over real DTLS against the real gateway, Kafka and Mosquitto. */
@Tag("servers")
class CoapsGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String D1_KEY = Secrets.newPskKey();
    private static final String D2_KEY = Secrets.newPskKey();
    private static final String GONE_KEY = Secrets.newPskKey();
    private static final String READING = "{\"metric\":\"level\",\"value\":2.5}";

    @TempDir
    static Path dir;
    static MosquittoServer mosquitto;
    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(KAFKA);
    static GatewayApplication gateway;
    static KafkaTopicsReader kafka;

    @BeforeAll
    static void start() throws Exception {
        DeviceRegistry registry = DeviceRegistry.empty()
                .with(device("d1", D1_KEY, false))
                .with(device("d2", D2_KEY, false))
                .with(device("gone", GONE_KEY, true));
        Path registryFile = dir.resolve("devices.yaml");
        registry.save(registryFile);
        mosquitto = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp());
        mosquitto.start();
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("coaps")
                .withMqttUrl(mosquitto.url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withCoapsPort(0)
                .withAckPort(0)
                // as in `bin/vigil bench e2e`: the rate limit off, so the burst below tests DTLS and Kafka only
                .withSecurity(GatewaySecurity.defaults().withRegistry(registryFile).withRateLimit(0, 1)));
        kafka = new KafkaTopicsReader(servers.kafka().bootstrapServers(), servers.topic(Topics.READINGS),
                servers.topic(Topics.DEADLETTER));
    }

    private static RegisteredDevice device(String id, String pskKey, boolean revoked) {
        return new RegisteredDevice(id, "city", "zone-" + id, null, Secrets.mosquittoHash(Secrets.newPassword()),
                pskKey, Set.of(), revoked);
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

    @Test
    void aDeviceWithItsRegisteredKeyIsAcceptedAndItsReadingReachesKafka() throws Exception {
        CoapClient d1 = Devices.coapsClient("d1", D1_KEY);
        try {
            CoapResponse response = Devices.postSecure(d1, gateway.coapsPort(), "/readings/d1", READING);
            assertThat(response).isNotNull();
            assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        } finally {
            close(d1);
        }
        await().atMost(WAIT).until(() -> !kafka.poll().readingsOf("d1").isEmpty());
        Reading r = kafka.readingsOf("d1").get(0);
        assertThat(r.zone()).isEqualTo("zone-d1");
        assertThat(r.value()).isEqualTo(2.5);
    }

    /**
     * The gateway side of the bench's "exactly 10 answers per CoAPS device": one DTLS peer with 200 requests
     * outstanding at once gets every one answered and every reading reaches Kafka (the limit was the simulator's).
     */
    @Test
    void oneDevicePipeliningTwoHundredReadingsGetsAllAnsweredAndStored() throws Exception {
        int readings = 200;
        CoapClient d2 = Devices.coapsClient("d2", D2_KEY);
        AtomicInteger changed = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        try {
            // the handshake first: Scandium defers only 10 messages while it runs (the simulator raises that)
            assertThat(Devices.postSecure(d2, gateway.coapsPort(), "/readings/d2", "{\"metric\":\"level\",\"value\":-1}")
                    .getCode()).isEqualTo(ResponseCode.CHANGED);
            for (int i = 0; i < readings; i++) {
                Request request = Request.newPost();
                request.setURI("coaps://127.0.0.1:" + gateway.coapsPort() + "/readings/d2");
                request.setPayload("{\"metric\":\"level\",\"value\":" + i + "}");
                request.getOptions().setContentFormat(50);
                d2.advanced(new CoapHandler() {
                    @Override
                    public void onLoad(CoapResponse response) {
                        (response.getCode() == ResponseCode.CHANGED ? changed : other).incrementAndGet();
                    }

                    @Override
                    public void onError() {
                        other.incrementAndGet();
                    }
                }, request);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> changed.get() + other.get() == readings);
            assertThat(changed.get()).isEqualTo(readings);
        } finally {
            close(d2);
        }
        await().atMost(WAIT).pollInSameThread().until(() -> kafka.poll().readingsOf("d2").stream()
                .filter(r -> r.value() >= 0).map(Reading::value).distinct().count() == readings);
    }

    @Test
    void aWrongKeyAnUnknownIdentityAndARevokedDeviceAreToldAtOnceAndStoreNothing() throws Exception {
        String[][] attempts = {{"d1", D2_KEY, "71.5"}, {"stranger", D1_KEY, "72.5"}, {"gone", GONE_KEY, "73.5"}};
        for (String[] attempt : attempts) {
            CoapClient client = Devices.coapsClient(attempt[0], attempt[1]);
            // long enough that only a fatal alert, not the client giving up, can end the attempt within the bound
            client.setTimeout(60_000L);
            long start = System.nanoTime();
            try {
                assertThatThrownBy(() -> Devices.postSecure(client, gateway.coapsPort(), "/readings/" + attempt[0],
                        "{\"metric\":\"level\",\"value\":" + attempt[2] + "}"))
                        .as("identity %s", attempt[0])
                        .isInstanceOf(java.io.IOException.class)
                        .hasMessageContaining("fatal alert/DECRYPT_ERROR");
            } finally {
                close(client);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("identity %s told after", attempt[0])
                    .isLessThan(Duration.ofSeconds(10));
        }
        Set<Double> attempted = Set.of(71.5, 72.5, 73.5);
        assertThat(kafka.poll().readings(r -> attempted.contains(r.value()))).isEmpty();
        assertThat(kafka.deadLetters(d -> Set.of("stranger", "gone").contains(d.deviceId()))).isEmpty();
    }

    @Test
    void anAuthenticatedDevicePostingForAnotherIsForbiddenAndDeadLettered() throws Exception {
        CoapClient d2 = Devices.coapsClient("d2", D2_KEY);
        try {
            CoapResponse response = Devices.postSecure(d2, gateway.coapsPort(), "/readings/d1", READING);
            assertThat(response).isNotNull();
            assertThat(response.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
        } finally {
            close(d2);
        }
        await().atMost(WAIT).until(() -> !kafka.poll().deadLetters(d -> "d2".equals(d.deviceId())).isEmpty());
        assertThat(kafka.deadLetters(d -> "d2".equals(d.deviceId())).get(0).value().reason())
                .isEqualTo(RejectReason.DEVICE_MISMATCH);
    }

    @Test
    void plainCoapIsNotServedWhenARegistryIsConfiguredAndNotExplicitlyEnabled() throws Exception {
        assertThat(gateway.coapPort()).isEqualTo(-1);
        // plain CoAP sent to the DTLS port is not DTLS: it is dropped unanswered
        CoapClient plain = Devices.coapClient(gateway.coapsPort());
        plain.setTimeout(3_000L);
        try {
            Request request = Request.newPost();
            request.setURI("coap://127.0.0.1:" + gateway.coapsPort() + "/readings/d1");
            request.setPayload(READING);
            assertThat(plain.advanced(request)).isNull();
        } finally {
            close(plain);
        }
    }

    private static void close(CoapClient client) {
        client.shutdown();
        client.getEndpoint().destroy();
    }
}

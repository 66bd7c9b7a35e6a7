package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.gateway.mqtt.SubscriptionMode;
import io.vigil.testing.StackFixture;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateway instances on one broker, two connections each, split the device topic tree through the shared
 * subscription, and an instance that restarts under the same id picks up the messages the broker kept for its
 * sessions.
 */
@Tag("servers")
class SharedSubscriptionTest {
    private static final int N = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(MQTT, KAFKA);
    static KafkaTopicsReader kafka;
    static MqttClient device;

    @BeforeAll
    static void start() throws Exception {
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        kafka = new KafkaTopicsReader(servers.kafka().bootstrapServers(), servers.topic(Topics.READINGS),
                servers.topic(Topics.DEADLETTER));
        device = Devices.mqttPublisher(servers.mosquitto().url(), "split-device");
    }

    @AfterAll
    static void stop() throws Exception {
        if (device != null) {
            device.disconnect();
            device.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static GatewayConfig config(String instanceId) {
        return GatewayConfig.defaults()
                .withSharedSubscription(2)
                .withInstanceId(instanceId)
                .withMqttUrl(servers.mosquitto().url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withAckPort(0);
    }

    @Test
    void twoGatewaysDeliverEveryMessageOnceAndARestartedOneCatchesUp() throws Exception {
        try (GatewayApplication a = GatewayApplication.start(config("split-a"))) {
            GatewayApplication b = GatewayApplication.start(config("split-b"));
            long acceptedByB;
            try {
                publish(0, N);
                List<Integer> seqs = awaitSequences(N);
                assertThat(seqs).as("each message once").doesNotHaveDuplicates().hasSize(N);
                assertThat(a.metrics().acceptedReadings()).as("gateway a took a share").isPositive();
                assertThat(b.metrics().acceptedReadings()).as("gateway b took a share").isPositive();
                assertThat(a.metrics().acceptedReadings() + b.metrics().acceptedReadings()).isEqualTo(N);
            } finally {
                b.close();
                acceptedByB = b.metrics().acceptedReadings();
            }

            // b is down: the broker keeps b's share of these in b's sessions until b comes back
            long acceptedByABefore = a.metrics().acceptedReadings();
            publish(N, N);
            await().atMost(WAIT).pollInSameThread()
                    .until(() -> a.metrics().acceptedReadings() > acceptedByABefore && sequences().size() > N);
            try (GatewayApplication restarted = GatewayApplication.start(config("split-b"))) {
                List<Integer> seqs = awaitSequences(2 * N);
                assertThat(seqs).as("each message once").doesNotHaveDuplicates().hasSize(2 * N);
                assertThat(restarted.metrics().acceptedReadings()).as("the restarted b drained its sessions")
                        .isPositive();
                assertThat(a.metrics().acceptedReadings() + acceptedByB + restarted.metrics().acceptedReadings())
                        .as("no message processed twice").isEqualTo(2 * N);
            }
        }
    }

    /**
     * The broker did not restart, so the session of an instance switched from shared to plain still holds its shared
     * subscriptions; kept, they would deliver each message a second time to the same connection.
     */
    @Test
    void anInstanceSwitchedFromSharedToPlainGetsEachMessageOnce() throws Exception {
        GatewayConfig shared = config("switch").withSharedSubscription(1);
        GatewayApplication.start(shared).close();
        try (GatewayApplication plain = GatewayApplication.start(shared
                .withMqttSubscription(SubscriptionMode.PLAIN))) {
            for (int i = 0; i < 50; i++) {
                Devices.publish(device, "vigil/readings/switch-device", "{\"metric\":\"switched\",\"value\":" + i + "}",
                        Payloads.JSON);
            }
            // no seq and no device time, so a second copy would be stored as a reading of its own
            await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(100))
                    .until(() -> kafka.poll().readingsOf("switch-device").size() >= 50);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInSameThread()
                    .untilAsserted(() -> assertThat(kafka.poll().readingsOf("switch-device"))
                            .as("readings stored from 50 messages").hasSize(50));
            assertThat(plain.metrics().acceptedReadings()).isEqualTo(50);
        }
    }

    private static void publish(int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            byte[] payload = ("{\"metric\":\"seq\",\"value\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Devices.publish(device, "vigil/readings/split-" + (i % 20), payload, Payloads.JSON);
        }
    }

    private static List<Integer> sequences() {
        return kafka.poll().readings(r -> r.metric().equals("seq")).stream()
                .map(ConsumerRecord::value).map(Reading::value).map(Double::intValue).collect(Collectors.toList());
    }

    /** Waits until at least {@code count} readings arrived; callers then check there are no more. */
    private static List<Integer> awaitSequences(int count) {
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(100))
                .until(() -> sequences().size() >= count);
        return sequences();
    }
}

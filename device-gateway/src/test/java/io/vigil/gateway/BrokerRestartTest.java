package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Reading;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.gateway.mqtt.MqttIngest;
import io.vigil.stack.LocalStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker restart loses no reading the broker acknowledged, and the gateway comes back soon after its broker does,
 * however long the broker was away: its MQTT client retries at least every few seconds instead of backing off to
 * Paho's two minutes (it used to take ~98 s).
 */
@Tag("servers")
class BrokerRestartTest {
    private static final long MAX_RETRY_MS = MqttIngest.MAX_RECONNECT_DELAY.toMillis();
    /** Readings the restarted broker acknowledges while the gateway is away: queued, then delivered as one burst. */
    private static final int WINDOW_READINGS = 2_000;
    @TempDir
    Path dir;

    @Test
    void aLongBrokerOutageDelaysReadingsOnlyByOneShortRetryAfterTheBrokerIsBack() throws Exception {
        try (LocalStack stack = LocalStack.onFreePorts(dir, MQTT, KAFKA).start()) {
            stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
            try (GatewayApplication gateway = GatewayApplication.start(GatewayConfig.defaults()
                    .withInstanceId("restart")
                    .withMqttUrl(stack.mosquitto.url())
                    .withKafkaBootstrap(stack.kafka.bootstrapServers())
                    .withCoap("127.0.0.1", 0)
                    .withAckPort(0));
                 KafkaTopicsReader kafka = new KafkaTopicsReader(stack.kafka.bootstrapServers(), Topics.READINGS,
                         Topics.DEADLETTER)) {
                publishAndAwait(stack, kafka, "before-outage");

                stack.mosquitto.close();
                // while the broker is away, a stand-in on its port refuses each attempt after accepting it, so the
                // test sees when the gateway tries: the outage lasts until its back-off has had time to grow
                List<Long> attempts = new CopyOnWriteArrayList<>();
                try (RefusingListener standIn = new RefusingListener(stack.mosquitto.port(), attempts)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> attempts.size() >= 7);
                }
                for (int i = 1; i < attempts.size(); i++) {
                    assertThat(attempts.get(i) - attempts.get(i - 1)).as("gap before attempt %d", i)
                            .isLessThan(MAX_RETRY_MS + 3_000);
                }
                stack.mosquitto.start();
                // published at once: the gateway's plain subscription survived the restart, so the broker queues
                // it in the gateway's session until the next retry brings the gateway back
                MqttClient device = Devices.mqttPublisher(stack.mosquitto.url(), "after-outage");
                try {
                    Devices.publish(device, "vigil/readings/after-outage",
                            "{\"metric\":\"level\",\"value\":2.5}".getBytes(StandardCharsets.UTF_8), Payloads.JSON);
                    await().atMost(Duration.ofMillis(MAX_RETRY_MS + 5_000)).pollInSameThread()
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> kafka.poll().readingsOf("after-outage").size() == 1);
                } finally {
                    device.disconnect();
                    device.close();
                }
            }
        }
    }

    /**
     * Issue 16 item 8. The broker restarts and devices publish at once, while the gateway is still away (the
     * cable between them keeps it away until the broker has acknowledged all 2,000 of these readings and the
     * gateway has tried to come back at least once). Mosquitto 2.0 keeps a persistent session's plain subscriptions
     * across its restart but not shared ones: through {@code $share/...} these readings were acknowledged to the
     * devices and dropped; through the default plain subscription they wait in the gateway's session.
     */
    @Test
    void readingsTheRestartedBrokerAcknowledgesBeforeTheGatewayIsBackAreAllStored() throws Exception {
        try (LocalStack stack = LocalStack.onFreePorts(dir, MQTT, KAFKA).start();
             TcpCable cable = new TcpCable(stack.mosquitto.port())) {
            stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER, Topics.CONTROL, Topics.AUDIT);
            try (GatewayApplication gateway = GatewayApplication.start(GatewayConfig.defaults()
                    .withInstanceId("window")
                    .withMqttUrl(cable.url())
                    .withKafkaBootstrap(stack.kafka.bootstrapServers())
                    .withCoap("127.0.0.1", 0)
                    .withAckPort(0));
                 KafkaTopicsReader kafka = new KafkaTopicsReader(stack.kafka.bootstrapServers(), Topics.READINGS,
                         Topics.DEADLETTER);
                 SequencePublisher devices = new SequencePublisher(stack.mosquitto.url())) {
                devices.publish(50);
                await().atMost(Duration.ofSeconds(30)).pollInSameThread()
                        .until(() -> stored(kafka).size() == 50);

                stack.mosquitto.close();
                cable.unplug();
                stack.mosquitto.start();
                devices.reconnect();
                devices.publish(WINDOW_READINGS);
                // an officer's acknowledgement takes the same subscriber path: it gets the same guarantee
                devices.acknowledgeIncident("flood-1");
                await().atMost(Duration.ofMillis(MAX_RETRY_MS + 5_000)).pollInSameThread()
                        .until(() -> cable.refused() > 0);
                assertThat(cable.carrying()).as("the gateway was away while the broker acknowledged them").isFalse();
                assertThat(stored(kafka)).as("nothing reached Kafka while the gateway was away").hasSize(50);

                cable.plug();
                devices.publish(200); // the devices keep publishing while the gateway comes back
                await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> {
                            List<Integer> missing = missing(stored(kafka), devices.acknowledged());
                            assertThat(missing.size()).as("of %d readings the broker acknowledged, not on Kafka (the"
                                    + " first: %s)", devices.acknowledged(), missing.stream().limit(10).toList()).isZero();
                        });
                assertThat(stored(kafka)).as("each acknowledged reading stored once").hasSize(devices.acknowledged());
                assertThat(gateway.metrics().acceptedReadings()).isEqualTo(devices.acknowledged());
                await().atMost(Duration.ofSeconds(10)).pollInSameThread()
                        .untilAsserted(() -> assertThat(records(stack, Topics.CONTROL))
                                .as("the acknowledgement published in the window, on vigil.control").isEqualTo(1));
            }
        }
    }

    private static long records(LocalStack stack, String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = stack.kafka.admin()) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        }
    }

    private static List<Reading> stored(KafkaTopicsReader kafka) {
        return kafka.poll().readings(r -> r.deviceId().startsWith(SequencePublisher.DEVICE_PREFIX)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static List<Integer> missing(List<Reading> stored, int acknowledged) {
        Set<Integer> seqs = stored.stream().map(r -> (int) r.value()).collect(Collectors.toSet());
        return IntStream.range(0, acknowledged).filter(seq -> !seqs.contains(seq)).boxed().toList();
    }

    /**
     * {@value #DEVICES} devices publishing QoS 1 readings numbered 0, 1, 2, ... in turn (value and {@code seq}), one
     * PUBACK at a time. Several devices, because a burst of one device's queued readings beyond its rate limit's
     * burst (200) would be refused as RATE_LIMITED.
     */
    private static final class SequencePublisher implements AutoCloseable {
        static final String DEVICE_PREFIX = "restart-gauge-";
        static final int DEVICES = 20;
        private final String url;
        private MqttClient client;
        private int acknowledged;

        SequencePublisher(String url) throws Exception {
            this.url = url;
            this.client = Devices.mqttPublisher(url, "restart-gauges");
        }

        /** Publishes {@code count} more; returns once the broker acknowledged each. */
        void publish(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                int seq = acknowledged;
                Devices.publish(client, "vigil/readings/" + DEVICE_PREFIX + seq % DEVICES,
                        "{\"metric\":\"level\",\"value\":" + seq + ",\"seq\":" + seq + "}", Payloads.JSON);
                acknowledged++;
            }
        }

        int acknowledged() {
            return acknowledged;
        }

        void acknowledgeIncident(String incidentId) throws Exception {
            Devices.publish(client, Topics.MQTT_ACK_PREFIX + incidentId, "{\"by\":\"Officer Li\"}", null);
        }

        /** As devices do after losing their broker: a new connection. */
        void reconnect() throws Exception {
            client.close(true);
            client = Devices.mqttPublisher(url, "restart-gauges");
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close(true);
        }
    }

    private static void publishAndAwait(LocalStack stack, KafkaTopicsReader kafka, String device) throws Exception {
        MqttClient client = Devices.mqttPublisher(stack.mosquitto.url(), device);
        try {
            Devices.publish(client, "vigil/readings/" + device,
                    "{\"metric\":\"level\",\"value\":1.5}".getBytes(StandardCharsets.UTF_8), Payloads.JSON);
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(50))
                    .until(() -> kafka.poll().readingsOf(device).size() == 1);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    /** Accepts and at once closes connections on the broker's port, noting when each came. */
    private static final class RefusingListener implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread acceptor;

        RefusingListener(int port, List<Long> attempts) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        attempts.add(System.currentTimeMillis());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "refusing-listener");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            acceptor.join(5_000);
        }
    }
}

package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway comes back soon after its broker does, however long the broker was away: its MQTT client retries at
 * least every few seconds instead of backing off to Paho's two minutes (it used to take ~98 s, during which the
 * restarted broker dropped every reading, see docs/gateway.md).
 */
class BrokerRestartTest {
    private static final long MAX_RETRY_MS = MqttIngest.MAX_RECONNECT_DELAY.toMillis();
    @TempDir
    Path dir;

    @Test
    void aLongBrokerOutageDelaysReadingsOnlyByOneShortRetryAfterTheBrokerIsBack() throws Exception {
        try (LocalStack stack = LocalStack.onFreePorts(dir, true, false, true, false).start()) {
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
                // Mosquitto 2.0 restores a persistent session's plain subscriptions after a restart but not its
                // shared ones, so until the gateway has subscribed again the broker drops what devices publish
                // (docs/gateway.md). A device therefore keeps publishing until one reading gets through.
                MqttClient device = Devices.mqttPublisher(stack.mosquitto.url(), "after-outage");
                try {
                    AtomicInteger sent = new AtomicInteger();
                    await().atMost(Duration.ofMillis(MAX_RETRY_MS + 5_000)).pollInSameThread()
                            .pollInterval(Duration.ofMillis(250)).until(() -> {
                                Devices.publish(device, "vigil/readings/after-outage",
                                        ("{\"metric\":\"level\",\"value\":" + sent.incrementAndGet() + "}")
                                                .getBytes(StandardCharsets.UTF_8), Payloads.JSON);
                                return !kafka.poll().readingsOf("after-outage").isEmpty();
                            });
                } finally {
                    device.disconnect();
                    device.close();
                }
            }
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

package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lean publisher without reconnects: a lost broker fails what it had not answered, and every later reading. */
@Tag("servers")
class LeanMqttTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SimulatedDevice DEVICE = new SimulatedDevice(0, "lean-lost-0", Protocol.MQTT, "city", "a");
    private static final byte[] PAYLOAD = "{\"metric\":\"level\",\"value\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** Completes with null when acknowledged, with the reason when failed. */
    private static CompletableFuture<String> send(LeanMqttTransport transport) throws InterruptedException {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        transport.send(DEVICE, PAYLOAD, PayloadFormat.JSON, new Delivery() {
            @Override
            public void acknowledged() {
                outcome.complete(null);
            }

            @Override
            public void failed(String reason) {
                outcome.complete(reason);
            }
        });
        return outcome;
    }

    @Test
    void aLostBrokerFailsLaterReadingsInsteadOfHangingOrCountingThemAcknowledged() throws Exception {
        MosquittoServer broker = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp());
        broker.start();
        try (LeanMqttTransport transport = LeanMqttTransport.connect(broker.url(), 1, WAIT)) {
            assertThat(send(transport)).as("acknowledged while the broker is up").succeedsWithin(WAIT).isNull();
            broker.close();
            // the I/O thread notices the closed connection; from then on nothing is counted as acknowledged
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> send(transport).get() != null);
            assertThat(send(transport)).succeedsWithin(WAIT).asString().contains("mqtt:");
        } finally {
            broker.close();
        }
    }
}

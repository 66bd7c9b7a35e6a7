package io.vigil.sim.rfid;

import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Protocol;
import io.vigil.common.Topics;
import io.vigil.common.Reading;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.codec.DecodeResult;
import io.vigil.common.codec.Payloads;
import io.vigil.common.rfid.TagDecodeResult;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import io.vigil.common.rfid.TagReadDecoder;
import io.vigil.stack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator against a real Mosquitto: every round of every reader arrives on its topic, in its format. */
@Tag("servers")
class RfidSimulatorTest {
    @TempDir
    Path dir;

    @Test
    void publishesEachReadersRoundsToItsTopicInItsFormat() throws Exception {
        try (LocalStack stack = LocalStack.onFreePorts(dir, MQTT).start()) {
            record Arrived(String reader, byte[] payload) {}
            Queue<Arrived> arrived = new ConcurrentLinkedQueue<>();
            MqttClient sub = new MqttClient(stack.mosquitto.url(), "rfid-sim-test", new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            sub.connect(o);
            IMqttMessageListener keep = (topic, m) ->
                    arrived.add(new Arrived(topic.substring(Topics.MQTT_TAGREADS_PREFIX.length()), m.getPayload()));
            sub.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.MQTT_TAGREADS_PREFIX + "+", 1)},
                    new IMqttMessageListener[] {keep});

            // the intrusion scenario's 100 s at 50x: 2 s
            RfidSimConfig config = RfidSimConfig.defaults().withMqttUrl(stack.mosquitto.url())
                    .withSiteFile(Path.of("..", "config", "site.yaml")).withScenario("intrusion").withTimeScale(50)
                    .withStartMs(1_764_300_000_000L);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            RfidSimulator.Summary summary;
            try (RfidSimulator sim = new RfidSimulator(config)) {
                summary = sim.run(new PrintStream(log, true, StandardCharsets.UTF_8));
            }
            assertThat(summary.failed()).isZero();
            assertThat(summary.payloads()).isGreaterThan(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> arrived.size() == summary.payloads());
            long reads = 0;
            for (Arrived a : arrived) {
                TagDecodeResult r = TagReadDecoder.decode(a.payload(), TagReadDecoder.JSON,
                        new DecodeContext(a.reader(), Protocol.MQTT, 0));
                assertThat(r.rejections()).as(a.reader()).isEmpty();
                TagFormat expected = switch (a.reader()) {
                    case "plaza-gate" -> TagFormat.ZEBRA;
                    default -> TagFormat.VIGIL;
                };
                assertThat(r.reads()).extracting(TagRead::format).containsOnly(expected);
                assertThat(r.reads()).allMatch(t -> t.eventTime() >= 1_764_300_000_000L
                        && t.eventTime() < 1_764_300_100_000L);
                reads += r.reads().size();
            }
            assertThat(reads).isEqualTo(summary.reads());
            assertThat(arrived).extracting(Arrived::reader).contains("plaza-gate", "pump-house", "store");
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("rfid-sim: done, " + summary.payloads() + " payloads");
            sub.disconnect();
            sub.close();
        }
    }

    @Test
    void theEvacuationsSmokeDetectorPublishesItsReadingsAsADevice() throws Exception {
        try (LocalStack stack = LocalStack.onFreePorts(dir, MQTT).start()) {
            Queue<MqttMessage> arrived = new ConcurrentLinkedQueue<>();
            MqttClient sub = new MqttClient(stack.mosquitto.url(), "rfid-sim-smoke-test", new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            sub.connect(o);
            IMqttMessageListener keep = (topic, m) -> arrived.add(m);
            sub.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.MQTT_READINGS_PREFIX
                    + "smoke-pump-room", 1)}, new IMqttMessageListener[] {keep});

            long start = 1_764_300_000_000L;
            RfidSimConfig config = RfidSimConfig.defaults().withMqttUrl(stack.mosquitto.url())
                    .withSiteFile(Path.of("..", "config", "site.yaml")).withScenario("evacuation").withTimeScale(60)
                    .withStartMs(start);
            RfidSimulator.Summary summary;
            try (RfidSimulator sim = new RfidSimulator(config)) {
                summary = sim.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            }
            assertThat(summary.failed()).isZero();
            assertThat(summary.sensorReadings()).isEqualTo(120); // one a round
            await().atMost(Duration.ofSeconds(20)).until(() -> arrived.size() == summary.sensorReadings());
            List<Reading> readings = new java.util.ArrayList<>();
            for (MqttMessage m : arrived) {
                assertThat(m.getProperties().getContentType()).isEqualTo(Payloads.JSON);
                DecodeResult r = Payloads.decode(m.getPayload(), Payloads.JSON,
                        new DecodeContext("smoke-pump-room", Protocol.MQTT, 0));
                assertThat(r.rejections()).isEmpty();
                readings.addAll(r.readings());
            }
            assertThat(readings).extracting(Reading::metric).containsOnly("smoke");
            assertThat(readings).extracting(Reading::zone).containsOnly("pump-room");
            // beyond the fire rule's 4 %/m from 20 s of the scenario on, clean air before
            assertThat(readings).filteredOn(x -> x.value() > 4.0).extracting(Reading::eventTime)
                    .allMatch(t -> t >= start + 20_000).hasSize(100);
            sub.disconnect();
            sub.close();
        }
    }

    @Test
    void aBadConfigIsRefusedByName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RfidSimConfig.defaults().withScenario("stampede").validate())
                .hasMessageContaining("unknown scenario 'stampede'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RfidSimConfig.defaults().withTimeScale(0).validate())
                .hasMessageContaining("timeScale");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RfidSimConfig.defaults()
                .withNoise(new ReadNoise(1.5, 0, 0, 18, -52, 4)).validate()).hasMessageContaining("rates");
    }
}

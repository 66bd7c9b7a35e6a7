package io.vigil.job.mqtt;

import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.serde.JsonSerde;
import io.vigil.job.JobConfig;
import io.vigil.job.JobOptions;
import io.vigil.stack.LocalStack;
import io.vigil.testing.MqttProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT alert sink against a real Mosquitto. */
@Tag("servers")
class MqttAlertSinkTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, MQTT).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aLateSubscriberGetsEachIncidentsLatestPhaseRetained() throws Exception {
        Alert alarm = alert("gauge-1", Phase.ALARM, 1000);
        Alert recovering = alert("gauge-1", Phase.RECOVERING, 9000);
        Alert other = alert("gauge/2+", Phase.PRE_WARNING, 2000);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        TypeInformation<Alert> type = TypeInformation.of(Alert.class);
        env.fromSource(new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type, alarm, recovering, other), 3,
                        type), WatermarkStrategy.noWatermarks(), "alerts")
                .sinkTo(new MqttAlertSink(stack.mosquitto.url(), "mqtt-sink-test"));
        env.execute("mqtt-sink-test"); // ends only after flush(true) saw every publish acknowledged

        try (MqttProbe<Alert> probe = new MqttProbe<>(stack.mosquitto.url(), "subscriber", "vigil/alerts/#",
                JsonSerde.alerts()::fromBytes)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.latest().size() == 2);
            assertThat(probe.received()).allMatch(MqttProbe.Received::retained);
            assertThat(probe.latest()).containsOnly(
                    Map.entry("vigil/alerts/river-north/river-level-high/gauge-1", recovering),
                    Map.entry("vigil/alerts/river-north/river-level-high/gauge_2_", other));
        }
        assertThat(List.of(MqttAlertSink.topicOf(other))).containsExactly("vigil/alerts/river-north/river-level-high/gauge_2_");
    }

    @Test
    void alertsPublishedWhileTheBrokerIsDownArriveAfterItIsBack() throws Exception {
        SimpleCounter published = new SimpleCounter();
        MqttAlertSink.Writer writer = new MqttAlertSink.Writer(stack.mosquitto.url(), "reconnect-test", published);
        try {
            writer.write(alert("gauge-7", Phase.ALARM, 1000), null);
            writer.flush(false);
            assertThat(published.getCount()).isEqualTo(1);

            stack.mosquitto.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !writer.connected());
            Alert whileDown = alert("gauge-7", Phase.RECOVERING, 9000);
            writer.write(whileDown, null); // buffered by the client until it has reconnected
            stack.mosquitto.start();
            writer.flush(false);
            assertThat(published.getCount()).isEqualTo(2);

            try (MqttProbe<Alert> probe = new MqttProbe<>(stack.mosquitto.url(), "reconnect-probe",
                    "vigil/alerts/+/+/gauge-7", JsonSerde.alerts()::fromBytes)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> probe.latest().size() == 1);
                assertThat(probe.latest()).containsExactly(
                        Map.entry("vigil/alerts/river-north/river-level-high/gauge-7", whileDown));
            }
        } finally {
            writer.close();
        }
    }

    @Test
    void alertsGoOutAtTheJobsAlertQos() throws Exception {
        for (int qos : new int[] {0, 2}) {
            BlockingQueue<Integer> arrivedAt = new LinkedBlockingQueue<>();
            MqttClient siren = new MqttClient(stack.mosquitto.url(), "siren-" + qos, new MemoryPersistence());
            siren.setCallback(new MqttCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    arrivedAt.add(message.getQos());
                }

                @Override
                public void disconnected(MqttDisconnectResponse response) {}

                @Override
                public void mqttErrorOccurred(MqttException e) {}

                @Override
                public void deliveryComplete(IMqttToken token) {}

                @Override
                public void connectComplete(boolean reconnect, String serverUri) {}

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {}
            });
            siren.connect();
            // a subscriber gets the lower of its own QoS and the publisher's: at 2 it shows what the sink sent
            siren.subscribe("vigil/alerts/+/+/siren-test-" + qos, 2);
            MqttAlertSink.Writer writer = new MqttAlertSink.Writer(stack.mosquitto.url(), "qos-" + qos,
                    new SimpleCounter(), null, JobConfig.defaults().with(JobOptions.MQTT_ALERT_QOS, qos)
                            .get(JobOptions.MQTT_ALERT_QOS));
            try {
                writer.write(alert("siren-test-" + qos, Phase.ALARM, 1000), null);
                writer.flush(false);
                assertThat(arrivedAt.poll(10, TimeUnit.SECONDS)).as("QoS %d", qos).isEqualTo(qos);
            } finally {
                writer.close();
                siren.disconnect();
                siren.close();
            }
        }
        assertThat(JobConfig.defaults().get(JobOptions.MQTT_ALERT_QOS)).as("at least once by default").isEqualTo(1);
    }

    static Alert alert(String device, Phase phase, long t) {
        return new Alert("river-level-high:" + device + ":water_level:1000", "river-level-high", device, "delta",
                "river-north", "water_level", phase, "critical", 4.2, 4.0, t, 1000, "River level high at river-north",
                device + " reads 4.2 m", "water-authority", null, null, 0, null);
    }
}

package io.vigil.app;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.vigil.common.Alert;
import io.vigil.common.DeadLetter;
import io.vigil.common.Phase;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.GatewayApplication;
import io.vigil.gateway.GatewayConfig;
import io.vigil.job.JobApplication;
import io.vigil.job.JobHandle;
import io.vigil.job.JobOptions;
import io.vigil.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end on real servers: devices publish over MQTT (Paho) and CoAP (Californium), the
 * gateway and the Flink job run as they do in production, and we count what reached InfluxDB, Kafka and MQTT.
 */
@Tag("servers")
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static LocalStack stack;
    static GatewayApplication gateway;
    static JobHandle job;
    static MqttClient device;
    static MqttClient alertWatcher;
    static CoapEndpoint coapEndpoint;
    static final Map<String, String> retainedAlerts = new ConcurrentHashMap<>();

    @BeforeAll
    static void startPipeline() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("servers"), MQTT, INFLUX, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER, Topics.ALERTS);
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - id: level-high
                    metric: water_level
                    threshold:
                      above: 4.0
                      clear: 3.8
                      for: 2s
                      clear_for: 2s
                    severity: critical
                    summary: "Level high at {zone}"
                    description: "{device} reads {value} {unit}, limit {limit} {unit}"
                """);
        gateway = GatewayApplication.start(GatewayConfig.defaults().withMqttUrl(stack.mosquitto.url())
                .withKafkaBootstrap(stack.kafka.bootstrapServers()).withCoap("127.0.0.1", 0).withAckPort(0));
        job = JobApplication.start(LiveJob.quickInflux(stack, dir, Duration.ofSeconds(2))
                .with(JobOptions.CONSUMER_GROUP, "e2e-job")
                .with(JobOptions.RULES, rules));
        job.awaitRunning(PATIENCE);

        device = mqttClient("e2e-devices");
        alertWatcher = mqttClient("e2e-alert-watcher");
        // The (topic, qos, listener) overload of Paho 1.2.5 recurses into itself; the array form works.
        IMqttMessageListener keepLatest = (topic, msg) ->
                retainedAlerts.put(topic, new String(msg.getPayload(), StandardCharsets.UTF_8));
        alertWatcher.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.MQTT_ALERTS_PREFIX + "#", 1)},
                new IMqttMessageListener[] {keepLatest});
        CoapConfig.register();
        UdpConfig.register();
        coapEndpoint = CoapEndpoint.builder().setConfiguration(Configuration.createStandardWithoutFile()).build();
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        for (MqttClient c : new MqttClient[] {device, alertWatcher}) {
            if (c != null) {
                c.disconnect();
                c.close();
            }
        }
        consumers.values().forEach(KafkaConsumer::close);
        if (coapEndpoint != null) {
            coapEndpoint.destroy();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (job != null) {
            job.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void readingsOverMqttAndCoapAreStoredOnceAndABreachRaisesAnAlarmOnKafkaAndMqtt() throws Exception {
        long t0 = System.currentTimeMillis() - 120_000;
        // MQTT gauge: 5 s normal, 10 s above the limit, 5 s back to normal, one reading a second.
        for (int i = 0; i < 20; i++) {
            double level = i >= 5 && i < 15 ? 4.5 : 3.0;
            publish("e2e-mqtt-gauge", "{\"metric\":\"water_level\",\"value\":" + level
                    + ",\"unit\":\"m\",\"zone\":\"riverside\",\"time\":" + (t0 + i * 1000L) + "}");
        }
        // CoAP gauge: SenML JSON and SenML CBOR, all below the limit.
        for (int i = 0; i < 10; i++) {
            String senml = "[{\"bn\":\"e2e-coap-gauge/\",\"bt\":" + (t0 + i * 1000L) / 1000.0
                    + ",\"n\":\"water_level\",\"u\":\"m\",\"v\":3.1}]";
            assertThat(post("e2e-coap-gauge", senml.getBytes(StandardCharsets.UTF_8), 110).getCode())
                    .isEqualTo(CoAP.ResponseCode.CHANGED);
        }
        for (int i = 10; i < 20; i++) {
            byte[] cbor = new CBORMapper().writeValueAsBytes(List.of(Map.of(-2, "e2e-coap-gauge/",
                    -3, (t0 + i * 1000L) / 1000.0, 0, "water_level", 1, "m", 2, 3.2)));
            assertThat(post("e2e-coap-gauge", cbor, 112).getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(influxCount("e2e-mqtt-gauge")).isEqualTo(20);
            assertThat(influxCount("e2e-coap-gauge")).isEqualTo(20);
        });

        List<Alert> alerts = new CopyOnWriteArrayList<>();
        await().atMost(PATIENCE).untilAsserted(() -> {
            alerts.addAll(poll(Topics.ALERTS, JsonSerde.alerts()).stream()
                    .filter(a -> a.subject().equals("e2e-mqtt-gauge")).toList());
            assertThat(alerts).extracting(Alert::phase).contains(Phase.ALARM);
        });
        Alert alarm = alerts.stream().filter(a -> a.phase() == Phase.ALARM).findFirst().orElseThrow();
        assertThat(alarm.ruleId()).isEqualTo("level-high");
        assertThat(alarm.zone()).isEqualTo("riverside");
        assertThat(alarm.value()).isEqualTo(4.5);
        assertThat(alarm.limit()).isEqualTo(4.0);
        assertThat(alarm.eventTime()).isEqualTo(t0 + 7000); // above from t0+5s, for 2s
        assertThat(alerts.stream().filter(a -> a.phase() == Phase.ALARM)).hasSize(1);

        String topic = Topics.mqttAlertTopic("riverside", "level-high", "e2e-mqtt-gauge");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(retainedAlerts).containsKey(topic));
        assertThat(JSON.readTree(retainedAlerts.get(topic)).get("incidentId").asText()).isEqualTo(alarm.incidentId());
        assertThat(influxCount("e2e-coap-gauge")).isEqualTo(20); // nothing duplicated while we waited
    }

    @Test
    void malformedPayloadsAreDeadLetteredWithTheirReasonAndGoodReadingsStillFlow() throws Exception {
        byte[] brokenJson = "{\"metric\":\"water_level\",\"value\":".getBytes(StandardCharsets.UTF_8);
        publish("e2e-bad-mqtt", new String(brokenJson, StandardCharsets.UTF_8));
        CoapResponse badCoap = post("e2e-bad-coap", "{\"metric\":\"water_level\"}".getBytes(StandardCharsets.UTF_8), 50);
        assertThat(badCoap.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
        assertThat(badCoap.getResponseText()).contains(RejectReason.MISSING_FIELD.name());
        long now = System.currentTimeMillis();
        publish("e2e-bad-mqtt", "{\"metric\":\"water_level\",\"value\":3.3,\"time\":" + now + "}");
        assertThat(post("e2e-bad-coap", ("{\"metric\":\"water_level\",\"value\":3.4,\"time\":" + now + "}")
                .getBytes(StandardCharsets.UTF_8), 50).getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);

        List<DeadLetter> dead = new ArrayList<>();
        await().atMost(PATIENCE).untilAsserted(() -> {
            dead.addAll(poll(Topics.DEADLETTER, JsonSerde.deadLetters()));
            assertThat(dead).extracting(DeadLetter::deviceId).contains("e2e-bad-mqtt", "e2e-bad-coap");
        });
        DeadLetter mqttDead = dead.stream().filter(d -> "e2e-bad-mqtt".equals(d.deviceId())).findFirst().orElseThrow();
        assertThat(mqttDead.reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(mqttDead.payload()).isEqualTo(brokenJson);
        assertThat(mqttDead.source()).isEqualTo("vigil/readings/e2e-bad-mqtt");
        DeadLetter coapDead = dead.stream().filter(d -> "e2e-bad-coap".equals(d.deviceId())).findFirst().orElseThrow();
        assertThat(coapDead.reason()).isEqualTo(RejectReason.MISSING_FIELD);

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(influxCount("e2e-bad-mqtt")).isEqualTo(1);
            assertThat(influxCount("e2e-bad-coap")).isEqualTo(1);
        });
    }

    private static MqttClient mqttClient(String id) throws Exception {
        MqttClient c = new MqttClient(stack.mosquitto.url(), id, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        c.connect(o);
        return c;
    }

    private static void publish(String deviceId, String payload) throws Exception {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        device.publish(Topics.MQTT_READINGS_PREFIX + deviceId, m);
    }

    private static CoapResponse post(String deviceId, byte[] payload, int contentFormat) throws Exception {
        CoapClient client = new CoapClient("coap://127.0.0.1:" + gateway.coapPort() + "/readings/" + deviceId);
        client.setEndpoint(coapEndpoint);
        client.setTimeout(10_000L);
        try {
            CoapResponse r = client.post(payload, contentFormat);
            assertThat(r).as("CoAP response").isNotNull();
            return r;
        } finally {
            client.shutdown();
        }
    }

    private static long influxCount(String deviceId) throws Exception {
        JsonNode answer = JSON.readTree(stack.influx.query("vigil",
                "SELECT count(\"value\") FROM \"readings\" WHERE \"device\" = '" + deviceId + "'"));
        JsonNode series = answer.path("results").path(0).path("series");
        return series.isMissingNode() ? 0 : series.path(0).path("values").path(0).path(1).asLong();
    }

    private static final Map<String, KafkaConsumer<String, byte[]>> consumers = new ConcurrentHashMap<>();

    /** Everything new on a topic since the last poll of it (from the start on the first). */
    private static <T> List<T> poll(String topic, JsonSerde<T> serde) throws Exception {
        KafkaConsumer<String, byte[]> consumer = consumers.computeIfAbsent(topic, t -> {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + t);
            // alerts are written in Kafka transactions (exactly once across restarts): read what is committed
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            c.subscribe(List.of(t));
            return c;
        });
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            out.add(serde.fromBytes(r.value()));
        }
        return out;
    }
}

package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.vigil.common.DeadLetter;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.codec.Payloads;
import io.vigil.testing.StackFixture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.groups.Tuple;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A gateway against real Mosquitto and Kafka: devices publish over MQTT and CoAP, the test reads Kafka. */
@Tag("servers")
class GatewayEndToEndTest {
    private static final int MAX_PAYLOAD = 8192;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(MQTT, KAFKA);
    static GatewayApplication gateway;
    static KafkaTopicsReader kafka;
    static MqttClient device;
    static CoapClient coap;

    @BeforeAll
    static void start() throws Exception {
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("e2e")
                .withMqttUrl(servers.mosquitto().url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withAckPort(0)
                .withMaxPayloadBytes(MAX_PAYLOAD));
        kafka = new KafkaTopicsReader(servers.kafka().bootstrapServers(), servers.topic(Topics.READINGS),
                servers.topic(Topics.DEADLETTER));
        device = Devices.mqttPublisher(servers.mosquitto().url(), "e2e-device");
        coap = Devices.coapClient(gateway.coapPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (coap != null) {
            coap.shutdown();
            coap.getEndpoint().destroy();
        }
        if (device != null) {
            device.disconnect();
            device.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- MQTT ----

    @Test
    void mqttPlainJsonReachesKafkaKeyedByTheTopicsDevice() throws Exception {
        Devices.publish(device, "vigil/readings/mqtt-json-1", plain("level", 1.27), Payloads.JSON);
        Devices.publish(device, "vigil/readings/mqtt-json-1", plain("flow", 3.5), null); // detected

        List<ConsumerRecord<String, Reading>> got = awaitReadings(r -> r.deviceId().equals("mqtt-json-1"), 2);
        assertThat(got).extracting(ConsumerRecord::key).containsOnly("mqtt-json-1");
        assertThat(got).extracting(r -> r.value().metric(), r -> r.value().value(), r -> r.value().protocol())
                .containsExactlyInAnyOrder(Tuple.tuple("level", 1.27, Protocol.MQTT), Tuple.tuple("flow", 3.5, Protocol.MQTT));
    }

    @Test
    void mqttSenmlJsonReachesKafka() throws Exception {
        Devices.publish(device, "vigil/readings/mqtt-senml-1",
                "[{\"bn\":\"mqtt-senml-1/\",\"n\":\"temp\",\"u\":\"Cel\",\"v\":21.5},{\"n\":\"rh\",\"u\":\"%RH\",\"v\":40}]",
                Payloads.SENML_JSON);

        assertThat(awaitReadings(r -> r.deviceId().equals("mqtt-senml-1"), 2))
                .extracting(r -> r.value().metric(), r -> r.value().value())
                .containsExactlyInAnyOrder(Tuple.tuple("temp", 21.5), Tuple.tuple("rh", 40.0));
    }

    @Test
    void mqttMalformedPayloadIsDeadLetteredAndLaterReadingsStillArrive() throws Exception {
        byte[] broken = "{\"metric\":\"level\",\"value\":".getBytes(StandardCharsets.UTF_8);
        Devices.publish(device, "vigil/readings/mqtt-bad-1", broken, Payloads.JSON);
        Devices.publish(device, "vigil/readings/mqtt-bad-1", plain("level", 2.0), Payloads.JSON);

        DeadLetter letter = awaitDeadLetter(d -> "mqtt-bad-1".equals(d.deviceId())).value();
        assertThat(letter.reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(letter.payload()).isEqualTo(broken);
        assertThat(letter.source()).isEqualTo("vigil/readings/mqtt-bad-1");
        assertThat(letter.protocol()).isEqualTo(Protocol.MQTT);
        assertThat(awaitReadings(r -> r.deviceId().equals("mqtt-bad-1"), 1))
                .extracting(r -> r.value().value()).containsExactly(2.0);
    }

    @Test
    void mqttTopicWithoutDeviceIsDeadLetteredAsBadAddress() throws Exception {
        byte[] payload = plain("level", 9.0);
        Devices.publish(device, "vigil/readings/", payload, Payloads.JSON);
        Devices.publish(device, "vigil/readings/mqtt-after-bad-topic", plain("level", 9.5), Payloads.JSON);

        DeadLetter letter = awaitDeadLetter(d -> d.source().equals("vigil/readings/")).value();
        assertThat(letter.reason()).isEqualTo(RejectReason.BAD_ADDRESS);
        assertThat(letter.deviceId()).isNull();
        assertThat(letter.payload()).isEqualTo(payload);
        assertThat(awaitReadings(r -> r.deviceId().equals("mqtt-after-bad-topic"), 1)).hasSize(1);
    }

    @Test
    void mqttOversizePayloadIsDeadLetteredAsTooLarge() throws Exception {
        byte[] big = new byte[MAX_PAYLOAD + 1];
        Devices.publish(device, "vigil/readings/mqtt-big-1", big, Payloads.JSON);

        DeadLetter letter = awaitDeadLetter(d -> "mqtt-big-1".equals(d.deviceId())).value();
        assertThat(letter.reason()).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(letter.payload()).hasSize(MAX_PAYLOAD);
    }

    @Test
    void readingsWithoutTimeSentBackToBackAreStoredUnderDistinctTimes() throws Exception {
        int count = 30;
        // published without waiting for each PUBACK, as a device flushing its queue after a reconnect does, so many
        // arrive within one millisecond
        MqttAsyncClient burst = new MqttAsyncClient(servers.mosquitto().url(), "e2e-burst", new MemoryPersistence());
        burst.connect().waitForCompletion();
        try {
            List<IMqttToken> sent = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(burst.publish("vigil/readings/mqtt-burst-1", plain("level", i), 1, false));
            }
            for (IMqttToken token : sent) {
                token.waitForCompletion(WAIT.toMillis());
            }
        } finally {
            burst.disconnect().waitForCompletion();
            burst.close();
        }

        List<ConsumerRecord<String, Reading>> got = awaitReadings(r -> r.deviceId().equals("mqtt-burst-1"), count);
        // InfluxDB keeps one point per series and time: distinct store times are distinct points
        assertThat(got).extracting(r -> r.value().storeTimeNanos()).doesNotHaveDuplicates();
        assertThat(got).extracting(r -> r.value().value()).hasSize(count).doesNotHaveDuplicates();
        // a reading processed after a later-received one of its series (the gateway's connections run in parallel)
        // is stamped just after it, so its event time may trail its receive time by the skew, never precede it
        assertThat(got).allSatisfy(r -> assertThat(r.value().eventTime() - r.value().receiveTime())
                .as("event time is the receive time, or just after it").isBetween(0L, 1000L));
    }

    // ---- CoAP ----

    @Test
    void coapPlainJsonIsChangedAndReachesKafka() throws Exception {
        CoapResponse response = post("/readings/coap-json-1", plain("level", 0.5), Payloads.COAP_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(awaitReadings(r -> r.deviceId().equals("coap-json-1"), 1))
                .extracting(r -> r.key(), r -> r.value().metric(), r -> r.value().value(), r -> r.value().protocol())
                .containsExactly(Tuple.tuple("coap-json-1", "level", 0.5, Protocol.COAP));
    }

    @Test
    void coapWithoutContentFormatIsDetected() throws Exception {
        assertThat(post("/readings/coap-detect-1", plain("level", 0.7), null).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(awaitReadings(r -> r.deviceId().equals("coap-detect-1"), 1)).hasSize(1);
    }

    @Test
    void coapSenmlJsonIsChangedAndReachesKafka() throws Exception {
        byte[] pack = "[{\"bn\":\"coap-senml-1/\",\"n\":\"temp\",\"v\":19.0},{\"n\":\"pm25\",\"v\":12}]"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(post("/readings/coap-senml-1", pack, Payloads.COAP_SENML_JSON).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(awaitReadings(r -> r.deviceId().equals("coap-senml-1"), 2))
                .extracting(r -> r.value().metric(), r -> r.value().value())
                .containsExactlyInAnyOrder(Tuple.tuple("temp", 19.0), Tuple.tuple("pm25", 12.0));
    }

    @Test
    void coapSenmlCborIsChangedAndReachesKafka() throws Exception {
        byte[] pack = senmlCbor("coap-cbor-1/", new String[] {"temp", "co2"}, new double[] {22.25, 415});

        assertThat(post("/readings/coap-cbor-1", pack, Payloads.COAP_SENML_CBOR).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(awaitReadings(r -> r.deviceId().equals("coap-cbor-1"), 2))
                .extracting(r -> r.value().metric(), r -> r.value().value())
                .containsExactlyInAnyOrder(Tuple.tuple("temp", 22.25), Tuple.tuple("co2", 415.0));
    }

    @Test
    void coapPackWithOneBadRecordKeepsTheGoodOneAndIsChanged() throws Exception {
        byte[] pack = "[{\"n\":\"temp\",\"v\":18.5},{\"n\":\"label\",\"vs\":\"text\"}]".getBytes(StandardCharsets.UTF_8);

        assertThat(post("/readings/coap-partly-1", pack, Payloads.COAP_SENML_JSON).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(awaitReadings(r -> r.deviceId().equals("coap-partly-1"), 1))
                .extracting(r -> r.value().metric()).containsExactly("temp");
        assertThat(awaitDeadLetter(d -> "coap-partly-1".equals(d.deviceId())).value().payload()).isEqualTo(pack);
    }

    @Test
    void coapMalformedIsBadRequestDeadLetteredAndLaterReadingsStillArrive() throws Exception {
        byte[] broken = "[{\"n\":\"temp\",\"v\":".getBytes(StandardCharsets.UTF_8);

        CoapResponse response = post("/readings/coap-bad-1", broken, Payloads.COAP_SENML_JSON);
        assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(response.getResponseText()).startsWith("MALFORMED: ");
        DeadLetter letter = awaitDeadLetter(d -> "coap-bad-1".equals(d.deviceId())).value();
        assertThat(letter.reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(letter.payload()).isEqualTo(broken);
        assertThat(letter.source()).isEqualTo("/readings/coap-bad-1");
        assertThat(letter.protocol()).isEqualTo(Protocol.COAP);

        assertThat(post("/readings/coap-bad-1", plain("temp", 17.0), Payloads.COAP_JSON).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(awaitReadings(r -> r.deviceId().equals("coap-bad-1"), 1))
                .extracting(r -> r.value().value()).containsExactly(17.0);
    }

    @Test
    void coapUnknownContentFormatIsUnsupportedAndDeadLettered() throws Exception {
        byte[] payload = plain("level", 1.0);

        CoapResponse response = post("/readings/coap-format-1", payload, MediaTypeRegistry.TEXT_PLAIN);

        assertThat(response.getCode()).isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        DeadLetter letter = awaitDeadLetter(d -> "coap-format-1".equals(d.deviceId())).value();
        assertThat(letter.reason()).isEqualTo(RejectReason.UNSUPPORTED_FORMAT);
        assertThat(letter.payload()).isEqualTo(payload);
    }

    @Test
    void coapPayloadUpToTheLimitArrivesBlockWise() throws Exception {
        StringBuilder pack = new StringBuilder("[{\"bn\":\"coap-blocks-1/\",\"n\":\"m0\",\"v\":0}");
        int records = 1;
        while (pack.length() < MAX_PAYLOAD - 40) {
            pack.append(",{\"n\":\"m").append(records).append("\",\"v\":").append(records).append('}');
            records++;
        }
        byte[] payload = pack.append(']').toString().getBytes(StandardCharsets.UTF_8);
        assertThat(payload.length).isBetween(MAX_PAYLOAD - 100, MAX_PAYLOAD);

        assertThat(post("/readings/coap-blocks-1", payload, Payloads.COAP_SENML_JSON).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(awaitReadings(r -> r.deviceId().equals("coap-blocks-1"), records)).hasSize(records);
    }

    @Test
    void coapOversizePayloadIsEntityTooLargeAndDeadLettered() throws Exception {
        byte[] big = plainPadded(MAX_PAYLOAD + 500);

        CoapResponse response = post("/readings/coap-big-1", big, Payloads.COAP_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
        DeadLetter letter = awaitDeadLetter(d -> "coap-big-1".equals(d.deviceId())).value();
        assertThat(letter.reason()).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(letter.payload()).hasSize(MAX_PAYLOAD);
    }

    @Test
    void coapFarOversizePayloadIsRefusedByTheTransport() throws Exception {
        assertThat(post("/readings/coap-huge-1", plainPadded(4 * MAX_PAYLOAD), Payloads.COAP_JSON).getCode())
                .isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
    }

    @Test
    void coapOtherPathsAndMethodsAreRefused() throws Exception {
        assertThat(post("/elsewhere/dev", plain("level", 1.0), Payloads.COAP_JSON).getCode())
                .isEqualTo(ResponseCode.NOT_FOUND);
        assertThat(post("/readings/a/b", plain("level", 1.0), Payloads.COAP_JSON).getCode())
                .isEqualTo(ResponseCode.NOT_FOUND);
        Request get = Request.newGet();
        get.setURI("coap://127.0.0.1:" + gateway.coapPort() + "/readings/coap-get-1");
        assertThat(coap.advanced(get).getCode()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
    }

    @Test
    void metricsCountWhatHappened() throws Exception {
        post("/readings/coap-metrics-1", plain("level", 1.0), Payloads.COAP_JSON);
        post("/readings/coap-metrics-1", "{".getBytes(StandardCharsets.UTF_8), Payloads.COAP_JSON);

        assertThat(gateway.metrics().acceptedReadings()).isPositive();
        assertThat(gateway.metrics().rejections(RejectReason.MALFORMED)).isPositive();
        assertThat(gateway.metrics().kafkaErrors()).isZero();
    }

    // ---- helpers ----

    private static byte[] plain(String metric, double value) {
        return ("{\"metric\":\"" + metric + "\",\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** A valid plain reading padded with whitespace to the given size. */
    private static byte[] plainPadded(int size) {
        byte[] reading = plain("level", 1.0);
        byte[] padded = new byte[size];
        java.util.Arrays.fill(padded, (byte) ' ');
        System.arraycopy(reading, 0, padded, 0, reading.length);
        return padded;
    }

    /** A SenML CBOR pack with RFC 8428 §6 integer labels: bn = -2, n = 0, v = 2. */
    private static byte[] senmlCbor(String baseName, String[] names, double[] values) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < names.length; i++) {
                g.writeStartObject();
                if (i == 0) {
                    g.writeFieldId(-2);
                    g.writeString(baseName);
                }
                g.writeFieldId(0);
                g.writeString(names[i]);
                g.writeFieldId(2);
                g.writeNumber(values[i]);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    private static CoapResponse post(String path, byte[] payload, Integer contentFormat) throws Exception {
        return Devices.post(coap, gateway.coapPort(), path, payload, contentFormat);
    }

    private static List<ConsumerRecord<String, Reading>> awaitReadings(Predicate<Reading> which, int count) {
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> kafka.poll().readings(which).size() >= count);
        List<ConsumerRecord<String, Reading>> got = kafka.readings(which);
        assertThat(got).as("exactly the readings sent").hasSize(count);
        return got;
    }

    private static ConsumerRecord<String, DeadLetter> awaitDeadLetter(Predicate<DeadLetter> which) {
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> !kafka.poll().deadLetters(which).isEmpty());
        List<ConsumerRecord<String, DeadLetter>> got = kafka.deadLetters(which);
        assertThat(got).hasSize(1);
        return got.get(0);
    }
}

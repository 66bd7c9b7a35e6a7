package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.DeadLetter;
import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.rfid.TagPseudonyms;
import io.vigil.common.rfid.TagRead;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.rfid.RfidGatewayConfig;
import io.vigil.testing.KafkaProbe;
import io.vigil.testing.StackFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tag reads through a gateway against real Mosquitto and Kafka: person tags arrive pseudonymised, assets in clear,
 * readings still flow on the same connections, and no person tag id appears in any byte Kafka holds.
 */
@Tag("servers")
class RfidGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] KEY = "test-key-test-key-test-key-32byt".getBytes(StandardCharsets.US_ASCII);
    private static final String PERSON = "STAFF-0042";
    private static final String ASSET = "ASSET-PUMP-1";
    private static final String ZEBRA_PERSON = "E28011606000020D8D3C1A2F";

    @TempDir
    static Path dir;
    @RegisterExtension
    static final StackFixture servers = StackFixture.shared(MQTT, KAFKA);
    static GatewayApplication gateway;
    static MqttClient reader;
    static CoapClient coap;
    static KafkaProbe kafka;

    @BeforeAll
    static void start() throws Exception {
        servers.createTopics(1, Topics.READINGS, Topics.DEADLETTER, Topics.TAGREADS);
        Path site = Files.writeString(dir.resolve("site.yaml"), """
                readers:
                  - {reader: gate, zone: plaza}
                zones:
                  - {id: plaza, capacity: 10}
                groups:
                  - {id: staff, prefixes: ["STAFF-"]}
                  - {id: assets, personal: false, prefixes: ["ASSET-"]}
                """);
        gateway = GatewayApplication.start(GatewayConfig.defaults()
                .withInstanceId("rfid")
                .withMqttUrl(servers.mosquitto().url())
                .withKafkaBootstrap(servers.kafka().bootstrapServers())
                .withTopics(servers.topic(Topics.READINGS), servers.topic(Topics.DEADLETTER))
                .withCoap("127.0.0.1", 0)
                .withAckPort(0), new RfidGatewayConfig(site, KEY, servers.topic(Topics.TAGREADS)));
        reader = Devices.mqttPublisher(servers.mosquitto().url(), "rfid-reader");
        coap = Devices.coapClient(gateway.coapPort());
        kafka = new KafkaProbe(servers.kafka().bootstrapServers(), servers.topic(Topics.TAGREADS),
                servers.topic(Topics.DEADLETTER), servers.topic(Topics.READINGS));
    }

    @AfterAll
    static void stop() throws Exception {
        if (coap != null) {
            coap.shutdown();
            coap.getEndpoint().destroy();
        }
        if (reader != null) {
            reader.disconnect();
            reader.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static List<TagRead> tagReads(String readerId) {
        List<TagRead> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : kafka.poll().records(servers.topic(Topics.TAGREADS))) {
            if (r.key().equals(readerId)) {
                out.add(JsonSerde.tagReads().deserialize(r.topic(), r.value()));
            }
        }
        return out;
    }

    private static List<DeadLetter> deadLetters(String readerId) {
        return kafka.poll().records(servers.topic(Topics.DEADLETTER)).stream()
                .map(r -> JsonSerde.deadLetters().deserialize(r.topic(), r.value()))
                .filter(d -> readerId.equals(d.deviceId())).toList();
    }

    @Test
    void mqttTagReadsArrivePseudonymisedExceptAssets() throws Exception {
        Devices.publish(reader, "vigil/tagreads/gate", """
                [{"tag":"%s","antenna":1,"rssi":-55},{"tag":"%s","antenna":2,"rssi":-60},{"tag":"VIS-unknown"}]"""
                .formatted(PERSON, ASSET), null);

        await().atMost(WAIT).until(() -> tagReads("gate").size() >= 3);
        List<TagRead> reads = tagReads("gate");
        TagPseudonyms pseudonyms = new TagPseudonyms(KEY);
        assertThat(reads).extracting(TagRead::tagId, TagRead::group).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(pseudonyms.pseudonym(PERSON), "staff"),
                org.assertj.core.groups.Tuple.tuple(ASSET, "assets"),
                org.assertj.core.groups.Tuple.tuple(pseudonyms.pseudonym("VIS-unknown"), null));
        assertThat(reads).extracting(TagRead::protocol).containsOnly(Protocol.MQTT);
    }

    @Test
    void coapZebraBodyOfConcatenatedEventsIsStored() throws Exception {
        String body = """
                {"type":"SIMPLE","timestamp":"%s","data":{"idHex":"%s","antenna":1,"peakRssi":-39,"reads":2}}
                {"type":"SIMPLE","timestamp":"%s","data":{"idHex":"%s"}}"""
                .formatted(java.time.Instant.now().minusMillis(333), ZEBRA_PERSON.toLowerCase(),
                        java.time.Instant.now(), ZEBRA_PERSON);
        CoapResponse response = Devices.post(coap, gateway.coapPort(), "/tagreads/zebra-1",
                body.getBytes(StandardCharsets.UTF_8), 50);
        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);

        await().atMost(WAIT).until(() -> tagReads("zebra-1").size() >= 2);
        assertThat(tagReads("zebra-1")).extracting(TagRead::tagId)
                .containsOnly(new TagPseudonyms(KEY).pseudonym(ZEBRA_PERSON));
    }

    @Test
    void mqttZebraReadFollowedByABrokenObjectKeepsTheReadAndDeadLettersTheRest() throws Exception {
        String body = """
                {"type":"SIMPLE","timestamp":"%s","data":{"idHex":"%s","antenna":1,"peakRssi":-39}}{"broken":"""
                .formatted(java.time.Instant.now(), ZEBRA_PERSON);
        Devices.publish(reader, "vigil/tagreads/zebra-2", body, "application/json");

        await().atMost(WAIT).until(() -> !tagReads("zebra-2").isEmpty() && !deadLetters("zebra-2").isEmpty());
        assertThat(tagReads("zebra-2")).extracting(TagRead::tagId)
                .containsExactly(new TagPseudonyms(KEY).pseudonym(ZEBRA_PERSON));
        assertThat(deadLetters("zebra-2")).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(RejectReason.MALFORMED);
            assertThat(d.detail()).startsWith("event 1 onwards: not valid JSON");
            assertThat(d.payload()).isEmpty();
        });
    }

    @Test
    void aReadFromAReaderWhoseClockRunsAheadIsRefusedAndTheOthersOfThePayloadGoOn() throws Exception {
        String body = """
                {"type":"SIMPLE","timestamp":"%s","data":{"idHex":"%s"}}
                {"type":"SIMPLE","timestamp":"%s","data":{"idHex":"%s"}}"""
                .formatted(java.time.Instant.now(), ZEBRA_PERSON,
                        java.time.Instant.now().plus(java.time.Duration.ofMinutes(10)), ZEBRA_PERSON);
        Devices.publish(reader, "vigil/tagreads/zebra-ahead", body, "application/json");

        await().atMost(WAIT).until(() -> !tagReads("zebra-ahead").isEmpty() && !deadLetters("zebra-ahead").isEmpty());
        assertThat(tagReads("zebra-ahead")).hasSize(1);
        assertThat(deadLetters("zebra-ahead")).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(RejectReason.INVALID_TIME);
            assertThat(d.detail()).contains("ahead of the gateway clock");
        });
    }

    @Test
    void refusedTagPayloadsAreDeadLetteredWithoutTheirBytes() throws Exception {
        Devices.publish(reader, "vigil/tagreads/gate-bad", "{\"tag\":\"" + PERSON + "\",\"antenna\":0}", null);
        CoapResponse response = Devices.post(coap, gateway.coapPort(), "/tagreads/coap-bad",
                ("{\"tag\":\"" + PERSON + "\"").getBytes(StandardCharsets.UTF_8), null);
        assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

        await().atMost(WAIT).until(() -> !deadLetters("gate-bad").isEmpty() && !deadLetters("coap-bad").isEmpty());
        assertThat(deadLetters("gate-bad").get(0).reason()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(deadLetters("coap-bad").get(0).reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(deadLetters("gate-bad").get(0).payload()).isEmpty();
        assertThat(deadLetters("coap-bad").get(0).payload()).isEmpty();
    }

    @Test
    void impinjStatusEventsAreAcceptedWithoutDeadLetters() throws Exception {
        Devices.publish(reader, "vigil/tagreads/impinj-1", """
                {"timestamp":"%s","eventType":"antennaConnected","antennaConnectedEvent":{"antennaPort":1}}
                {"timestamp":"%s","eventType":"tagInventory","tagInventoryEvent":{"epcHex":"A55E","antennaPort":2,"peakRssiCdbm":-6500}}"""
                .formatted(java.time.Instant.now().minusSeconds(1), java.time.Instant.now()),
                "application/json");
        await().atMost(WAIT).until(() -> !tagReads("impinj-1").isEmpty());
        assertThat(tagReads("impinj-1").get(0).rssiDbm()).isEqualTo(-65.0);
        assertThat(deadLetters("impinj-1")).isEmpty();
    }

    @Test
    void readingsStillFlowNextToTagReadsAndNoPersonIdIsInKafka() throws Exception {
        Devices.publish(reader, "vigil/readings/gauge-rfid", "{\"metric\":\"level\",\"value\":1}", null);
        Devices.publish(reader, "vigil/tagreads/gate-2", "{\"tag\":\"" + PERSON + "\"}", null);
        await().atMost(WAIT).until(() -> !tagReads("gate-2").isEmpty()
                && kafka.records(servers.topic(Topics.READINGS)).stream().anyMatch(r -> r.key().equals("gauge-rfid")));
        for (ConsumerRecord<String, byte[]> r : kafka.records()) {
            String bytes = new String(r.value(), StandardCharsets.UTF_8);
            assertThat(bytes).doesNotContain(PERSON).doesNotContain(ZEBRA_PERSON)
                    .doesNotContain(ZEBRA_PERSON.toLowerCase());
        }
    }
}

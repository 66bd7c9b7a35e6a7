package io.vigil.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.gateway.Inbound;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MqttRejectionNoticesTest {
    private static Inbound in(Protocol protocol, String source, String device, String payload) {
        return new Inbound(protocol, source, device, null, payload.getBytes(StandardCharsets.UTF_8), 1_764_300_000_000L);
    }

    @Test
    void onlyAnMqttDevicesOwnTopicEarnsItANotice() {
        assertThat(MqttRejectionNotices.noticeTopic(in(Protocol.MQTT, "vigil/readings/g1", "g1", "x")))
                .isEqualTo("vigil/rejections/g1");
        assertThat(MqttRejectionNotices.noticeTopic(in(Protocol.MQTT, "vigil/tagreads/r1", "r1", "x")))
                .isEqualTo("vigil/rejections/r1");
        assertThat(MqttRejectionNotices.noticeTopic(in(Protocol.COAP, "readings/g1", "g1", "x")))
                .as("CoAP answers with the reason itself").isNull();
        assertThat(MqttRejectionNotices.noticeTopic(in(Protocol.MQTT, "vigil/ack/inc-1", null, "x"))).isNull();
        assertThat(MqttRejectionNotices.noticeTopic(in(Protocol.MQTT, "vigil/readings/g1/extra", "g1", "x"))).isNull();
    }

    @Test
    void aNoticeCarriesReasonTopicTimeAndAShortExcerptOnly() {
        String payload = "{\"metric\":\"level\",\"value\":\"" + "9".repeat(100) + "\"}";
        String notice = new String(MqttRejectionNotices.notice(in(Protocol.MQTT, "vigil/readings/g1", "g1", payload),
                Rejection.of(RejectReason.WRONG_TYPE, "field 'value' is a string, expected a number")),
                StandardCharsets.UTF_8);

        assertThat(notice).isEqualTo("{\"reason\":\"WRONG_TYPE\",\"detail\":\"field 'value' is a string, expected a"
                + " number\",\"topic\":\"vigil/readings/g1\",\"receivedAt\":\"2025-11-28T03:20:00Z\",\"bytes\":129,"
                + "\"excerpt\":\"{\\\"metric\\\":\\\"level\\\",\\\"value\\\":\\\"99999\"}");
        String nonAscii = new String(MqttRejectionNotices.notice(in(Protocol.MQTT, "vigil/readings/g1", "g1", "水位"),
                Rejection.of(RejectReason.MALFORMED, "unexpected '水'")), StandardCharsets.UTF_8);
        assertThat(nonAscii).contains("\"excerptHex\":\"e6b0b4e4bd8d\"", "unexpected '\\u6C34'");
    }
}

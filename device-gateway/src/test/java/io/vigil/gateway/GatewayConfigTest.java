package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void defaultsAreValidAndLocal() {
        GatewayConfig c = GatewayConfig.defaults().validate();
        assertThat(c.mqttUrl()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(c.mqttSubscribers()).isEqualTo(2);
        assertThat(c.mqttClientIdPrefix()).isEqualTo("vigil-gateway-1");
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(c.coapHost()).isEqualTo("127.0.0.1");
        assertThat(c.coapPort()).isEqualTo(5683);
        assertThat(c.maxPayloadBytes()).isEqualTo(65536);
        assertThat(c.readingsTopic()).isEqualTo(Topics.READINGS);
        assertThat(c.deadLetterTopic()).isEqualTo(Topics.DEADLETTER);
    }

    @Test
    void instanceIdNamesTheClientIds() {
        assertThat(GatewayConfig.defaults().withInstanceId("b").mqttClientIdPrefix()).isEqualTo("vigil-gateway-b");
    }

    @Test
    void badValuesAreRefusedByName() {
        assertThatThrownBy(() -> GatewayConfig.defaults().withMqttSubscribers(0).validate())
                .hasMessageContaining("mqttSubscribers");
        assertThatThrownBy(() -> GatewayConfig.defaults().withCoap("127.0.0.1", 70000).validate())
                .hasMessageContaining("coapPort");
        assertThatThrownBy(() -> GatewayConfig.defaults().withKafkaAckTimeout(Duration.ofMillis(10)).validate())
                .hasMessageContaining("kafkaAckTimeout");
        assertThatThrownBy(() -> GatewayConfig.defaults().withMaxPayloadBytes(0).validate())
                .hasMessageContaining("maxPayloadBytes");
        assertThatThrownBy(() -> GatewayConfig.defaults().withAckPort(-1).validate())
                .hasMessageContaining("ackPort");
        assertThatThrownBy(() -> GatewayConfig.defaults().withMetricsInflux("tcp://127.0.0.1:8086", "vigil",
                Duration.ofSeconds(10)).validate()).hasMessageContaining("metricsInfluxUrl");
        assertThatThrownBy(() -> GatewayConfig.defaults().withMetricsInflux("http://127.0.0.1:8086", "vigil",
                Duration.ofMillis(10)).validate()).hasMessageContaining("metricsStep");
    }
}

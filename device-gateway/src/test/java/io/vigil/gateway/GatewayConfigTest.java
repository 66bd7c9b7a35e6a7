package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Topics;
import io.vigil.gateway.mqtt.SubscriptionMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void defaultsAreValidAndLocal() {
        GatewayConfig c = GatewayConfig.defaults().validate();
        assertThat(c.mqttUrl()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(c.mqttSubscription()).isEqualTo(SubscriptionMode.PLAIN);
        assertThat(c.mqttSubscribers()).isEqualTo(1);
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
    void aPlainSubscriptionHasOneConnectionAndASharedOneScalesOut() {
        // two plain subscribers would each get every reading: refused at start-up rather than stored twice
        assertThatThrownBy(() -> GatewayConfig.defaults().withMqttSubscribers(2).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mqttSubscribers must be 1 with a plain mqttSubscription")
                .hasMessageContaining("shared");
        GatewayConfig shared = GatewayConfig.defaults().withSharedSubscription(4).validate();
        assertThat(shared.mqttSubscription()).isEqualTo(SubscriptionMode.SHARED);
        assertThat(shared.mqttSubscribers()).isEqualTo(4);
        assertThatThrownBy(() -> GatewayConfig.defaults().withMqttSubscription(null).validate())
                .hasMessageContaining("mqttSubscription");
    }

    @Test
    void theModeNamesItsFilterAndParsesFromTheCommandLine() {
        assertThat(SubscriptionMode.PLAIN.filter("vigil/readings/")).isEqualTo("vigil/readings/+");
        assertThat(SubscriptionMode.SHARED.filter("vigil/readings/")).isEqualTo("$share/vigil/vigil/readings/+");
        assertThat(SubscriptionMode.parse("Shared")).isEqualTo(SubscriptionMode.SHARED);
        assertThatThrownBy(() -> SubscriptionMode.parse("exclusive"))
                .hasMessageContaining("plain or shared").hasMessageContaining("exclusive");
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

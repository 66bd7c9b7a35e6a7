package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
    @Test
    void defaultsAreValidAndDescribeTheDemo() {
        SimulatorConfig c = SimulatorConfig.defaults().validate();
        assertThat(c.mqttUrl()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(c.coapUri()).isEqualTo("coap://127.0.0.1:5683");
        assertThat(c.devices()).isEqualTo(10);
        assertThat(c.coapShare()).isEqualTo(0.3);
        assertThat(c.ratePerSecond()).isEqualTo(20);
        assertThat(c.duration()).isNull();
        assertThat(c.seed()).isEqualTo(42);
        assertThat(c.scenario()).isEqualTo("river-flood");
        assertThat(c.deviceIdPrefix()).isEqualTo("gauge-");
        assertThat(c.timeScale()).isEqualTo(1.0);
        assertThat(c.readingLimit()).isEqualTo(-1);
    }

    @Test
    void everyWrongFieldIsNamedInOneError() {
        SimulatorConfig bad = SimulatorConfig.defaults().withDevices(0).withCoapShare(1.5).withRatePerSecond(-1)
                .withScenario("earthquake").withDeviceIdPrefix("a/b").withTimeScale(0);
        assertThatThrownBy(bad::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("devices").hasMessageContaining("coapShare").hasMessageContaining("ratePerSecond")
                .hasMessageContaining("scenario").hasMessageContaining("deviceIdPrefix").hasMessageContaining("timeScale");
    }

    @Test
    void addressesAreCheckedOnlyForProtocolsInUse() {
        SimulatorConfig mqttOnly = SimulatorConfig.defaults().withCoapShare(0).withCoapUri(null);
        assertThat(mqttOnly.validate()).isSameAs(mqttOnly);
        assertThatThrownBy(() -> mqttOnly.withMqttUrl("http://broker").validate())
                .hasMessageContaining("mqttUrl must look like tcp://host:port");
        SimulatorConfig coapOnly = SimulatorConfig.defaults().withCoapShare(1).withMqttUrl(null);
        assertThat(coapOnly.validate()).isSameAs(coapOnly);
        assertThatThrownBy(() -> coapOnly.withCoapUri("udp://x:1").validate()).hasMessageContaining("coapUri");
    }

    @Test
    void aRunIsBoundedByDurationOrCountWhicheverComesFirst() {
        SimulatorConfig c = SimulatorConfig.defaults().withRatePerSecond(100);
        assertThat(c.withDuration(Duration.ofSeconds(3)).readingLimit()).isEqualTo(300);
        assertThat(c.withMaxReadings(50L).readingLimit()).isEqualTo(50);
        assertThat(c.withDuration(Duration.ofSeconds(3)).withMaxReadings(500L).readingLimit()).isEqualTo(300);
        assertThatThrownBy(() -> c.withDuration(Duration.ZERO).validate()).hasMessageContaining("duration");
        assertThatThrownBy(() -> c.withMaxReadings(0L).validate()).hasMessageContaining("maxReadings");
    }
}

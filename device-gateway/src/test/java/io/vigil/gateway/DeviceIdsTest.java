package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Topics;
import org.junit.jupiter.api.Test;

class DeviceIdsTest {
    private static String of(String topic) {
        return DeviceIds.ofMqttTopic(Topics.MQTT_READINGS_PREFIX, topic);
    }

    @Test
    void deviceIdIsTheLastTopicLevel() {
        assertThat(of("vigil/readings/gauge-7")).isEqualTo("gauge-7");
        assertThat(of("vigil/readings/urn:dev:mac:0024befffe804ff1")).isEqualTo("urn:dev:mac:0024befffe804ff1");
    }

    @Test
    void topicsOutsideTheSchemeNameNoDevice() {
        assertThat(of("vigil/readings/")).isNull();
        assertThat(of("vigil/readings/a/b")).isNull();
        assertThat(of("vigil/reading/a")).isNull();
        assertThat(of("vigil/readings/has space")).isNull();
        assertThat(of("vigil/readings/" + "x".repeat(DeviceIds.MAX_LENGTH + 1))).isNull();
    }
}

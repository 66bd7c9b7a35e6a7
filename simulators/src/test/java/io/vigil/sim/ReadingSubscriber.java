package io.vigil.sim;

import io.vigil.common.Topics;
import io.vigil.common.serde.Json;
import io.vigil.testing.MqttProbe;
import java.util.List;
import org.eclipse.paho.mqttv5.common.MqttException;

/** What a gateway would see of simulated devices: the tests' {@link MqttProbe} on {@code vigil/readings/+}. */
final class ReadingSubscriber implements AutoCloseable {
    record Arrived(String deviceId, String contentType, DeviceReading reading) {}

    private final MqttProbe<DeviceReading> probe;

    ReadingSubscriber(String url) throws MqttException {
        this(url, null, null);
    }

    ReadingSubscriber(String url, String user, String password) throws MqttException {
        probe = new MqttProbe<>(url, "vigil-sim-test-subscriber", Topics.MQTT_READINGS_PREFIX + "+", user, password,
                payload -> Json.mapper().readValue(payload, DeviceReading.class));
    }

    /** What arrived from devices whose id starts with {@code prefix}: each test uses its own prefix. */
    List<Arrived> from(String prefix) {
        return probe.on(topic -> topic.startsWith(Topics.MQTT_READINGS_PREFIX + prefix)).stream()
                .map(r -> new Arrived(r.topic().substring(Topics.MQTT_READINGS_PREFIX.length()), r.contentType(),
                        r.message()))
                .toList();
    }

    List<String> unreadable() {
        return probe.unreadable();
    }

    @Override
    public void close() throws MqttException {
        probe.close();
    }
}

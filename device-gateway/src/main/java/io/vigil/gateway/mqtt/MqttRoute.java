package io.vigil.gateway.mqtt;

import io.vigil.common.Topics;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import io.vigil.gateway.IngestOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One topic tree the gateway takes in: {@code {prefix}{deviceId}}, joined through the shared subscription group,
 * and what stores a payload from it. The future completes when Kafka has the records; only then is the message
 * acknowledged to the broker. A route with {@code personalData} never dead-letters its payload bytes.
 */
public record MqttRoute(String prefix, Function<Inbound, CompletableFuture<IngestOutcome>> store,
                        boolean personalData) {

    public String sharedFilter() {
        return "$share/" + Topics.MQTT_SHARED_GROUP + "/" + prefix + "+";
    }

    /** Device readings: {@code vigil/readings/{deviceId}}. */
    public static MqttRoute readings(Ingest ingest) {
        return new MqttRoute(Topics.MQTT_READINGS_PREFIX, ingest::ingest, false);
    }
}

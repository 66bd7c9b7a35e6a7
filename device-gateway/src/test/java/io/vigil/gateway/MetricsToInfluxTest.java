package io.vigil.gateway;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's meters as they land in a real InfluxDB 1.x through Micrometer's v1 registry. */
@Tag("servers")
class MetricsToInfluxTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void startInflux() throws Exception {
        stack = LocalStack.onFreePorts(dir, INFLUX).start();
    }

    @AfterAll
    static void stopInflux() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void countsPerProtocolAndReasonAndKafkaTimingsAreWrittenWithTheInstanceTag() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().withInstanceId("metrics-test")
                .withMetricsInflux(stack.influx.url(), "gwmetrics", Duration.ofSeconds(1));
        GatewayMetrics metrics = MetricsRegistries.forConfig(config.validate());
        metrics.topics("readings-topic", "dead-topic");
        for (int i = 0; i < 3; i++) {
            metrics.readingAccepted(Protocol.MQTT);
        }
        metrics.readingAccepted(Protocol.COAP);
        metrics.rejected(RejectReason.MALFORMED);
        metrics.kafkaSend("readings-topic", 2_000_000, true);
        metrics.kafkaSend("dead-topic", 3_000_000, false);
        metrics.registry().close(); // publishes the current step

        assertThat(sum("vigil_gateway_readings", "value", "\"protocol\" = 'MQTT'")).isEqualTo(3);
        assertThat(sum("vigil_gateway_readings", "value", "\"protocol\" = 'COAP'")).isEqualTo(1);
        assertThat(sum("vigil_gateway_rejections", "value", "\"reason\" = 'MALFORMED'")).isEqualTo(1);
        assertThat(sum("vigil_gateway_rejections", "value", "\"reason\" = 'TOO_LARGE'")).isZero();
        assertThat(sum("vigil_gateway_kafka_send", "count", "\"topic\" = 'readings-topic'")).isEqualTo(1);
        assertThat(sum("vigil_gateway_kafka_errors", "value", "\"topic\" = 'dead-topic'")).isEqualTo(1);
        assertThat(sum("vigil_gateway_kafka_errors", "value", "\"topic\" = 'readings-topic'")).isZero();
        assertThat(metrics.acceptedReadings()).isEqualTo(4);
        assertThat(metrics.kafkaErrors()).isEqualTo(1);

        JsonNode tags = JSON.readTree(stack.influx.query("gwmetrics",
                "SHOW TAG VALUES FROM \"vigil_gateway_readings\" WITH KEY = \"instance\""));
        assertThat(tags.path("results").path(0).path("series").path(0).path("values").path(0).path(1).asText())
                .isEqualTo("vigil-gateway-metrics-test");
    }

    private static double sum(String measurement, String field, String where) throws Exception {
        JsonNode answer = JSON.readTree(stack.influx.query("gwmetrics",
                "SELECT sum(\"" + field + "\") FROM \"" + measurement + "\" WHERE " + where));
        JsonNode series = answer.path("results").path(0).path("series");
        assertThat(series).as(measurement + " where " + where).isNotEmpty();
        return series.path(0).path("values").path(0).path(1).asDouble();
    }
}

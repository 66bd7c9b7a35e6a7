package io.vigil.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ReadingDeserializerTest {
    final Map<String, SimpleCounter> counters = new HashMap<>();
    final List<Reading> out = new ArrayList<>();
    final JsonRecordDeserializer<Reading> deserializer = JsonRecordDeserializer.readings();

    @Test
    void badRecordsAreSkippedAndCountedWhileGoodOnesPass() throws Exception {
        deserializer.open(context());
        Reading good = new Reading("gauge-1", "delta", "river-north", "water_level", 3.2, "m", 1000, 1005, Protocol.COAP);

        deserialize("{broken".getBytes(StandardCharsets.UTF_8));
        deserialize(JsonSerde.readings().toBytes(good));
        deserialize("{\"metric\":\"water_level\"}".getBytes(StandardCharsets.UTF_8)); // no device id
        deserialize(null);
        deserialize("[1,2]".getBytes(StandardCharsets.UTF_8));

        assertThat(out).containsExactly(good);
        assertThat(counters.get("badReadings").getCount()).isEqualTo(4);
    }

    private void deserialize(byte[] value) {
        deserializer.deserialize(new ConsumerRecord<>("vigil.readings", 0, 0, null, value), new Collector<>() {
            @Override
            public void collect(Reading record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
    }

    private DeserializationSchema.InitializationContext context() {
        MetricGroup metrics = new UnregisteredMetricsGroup() {
            @Override
            public Counter counter(String name) {
                return counters.computeIfAbsent(name, n -> new SimpleCounter());
            }
        };
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                throw new UnsupportedOperationException("not needed");
            }
        };
    }
}

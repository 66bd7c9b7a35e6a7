package io.vigil.job.bench;

import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Counts and discards, so the benchmark measures the job and not InfluxDB, Kafka or MQTT. */
final class CountingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final String channel;

    CountingSink(BenchTally tally, String channel) {
        this.key = tally.key;
        this.channel = channel;
        tally.channel(channel);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        LongAdder count = BenchTally.of(key).channel(channel);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                count.increment();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}

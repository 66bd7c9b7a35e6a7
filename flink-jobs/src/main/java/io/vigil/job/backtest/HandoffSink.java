package io.vigil.job.backtest;

import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Gives a backtest's results back to its driver in the same JVM. Unlike {@code collectAsync}, nothing can be lost
 * when the local cluster shuts down: {@code execute()} returns only after every writer has finished.
 */
final class HandoffSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final String channel;

    HandoffSink(Handoff handoff, String channel) {
        this.key = handoff.key;
        this.channel = channel;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> results = Handoff.of(key).results(channel);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                results.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}

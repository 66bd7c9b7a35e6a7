package io.vigil.job.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Where a replay's results come back: keeps a job's records in this JVM's memory, for a job on a local environment
 * in the same JVM (the backtest, the evaluations, tests). Flink serializes sinks, so the records live in a static map
 * under the sink's id; {@link #close} forgets them. Unlike {@code collectAsync}, nothing can be lost when the local
 * cluster shuts down at the end of a bounded job: {@code execute()} returns after every writer is done.
 */
public final class ReplayResultSink<T> implements Sink<T>, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Object>> VALUES = new ConcurrentHashMap<>();
    private final String id = UUID.randomUUID().toString();

    public ReplayResultSink() {
        VALUES.put(id, new ArrayList<>());
    }

    /** A snapshot of what was written so far, in arrival order. */
    @SuppressWarnings("unchecked")
    public List<T> values() {
        List<Object> values = VALUES.get(id);
        synchronized (values) {
            return (List<T>) new ArrayList<>(values);
        }
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> values = VALUES.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T value, Context ctx) {
                synchronized (values) {
                    values.add(value);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        VALUES.remove(id);
    }
}

package io.vigil.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** An in-memory sink for tests: Flink serializes sinks, so the values live in a static map under the sink's id. */
public final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Object>> VALUES = new ConcurrentHashMap<>();
    private final String id = UUID.randomUUID().toString();

    public CollectingSink() {
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
            public void write(T element, Context ctx) {
                synchronized (values) {
                    values.add(element);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}

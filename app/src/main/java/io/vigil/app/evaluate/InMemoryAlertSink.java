package io.vigil.app.evaluate;

import io.vigil.common.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Keeps alerts in this JVM's memory, for a job on a local environment in the same JVM. Flink serializes sinks,
 * so the alerts live in a static map under the sink's id. Unlike {@code collectAsync}, nothing can be lost when the
 * local cluster shuts down at the end of a bounded job: {@code execute()} returns after every writer is done.
 */
final class InMemoryAlertSink implements Sink<Alert>, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Alert>> ALERTS = new ConcurrentHashMap<>();
    private final String id = UUID.randomUUID().toString();

    InMemoryAlertSink() {
        ALERTS.put(id, new ArrayList<>());
    }

    List<Alert> alerts() {
        List<Alert> alerts = ALERTS.get(id);
        synchronized (alerts) {
            return new ArrayList<>(alerts);
        }
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        List<Alert> alerts = ALERTS.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(Alert alert, Context ctx) {
                synchronized (alerts) {
                    alerts.add(alert);
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
        ALERTS.remove(id);
    }
}

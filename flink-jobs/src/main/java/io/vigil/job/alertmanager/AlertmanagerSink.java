package io.vigil.job.alertmanager;

import io.vigil.common.Alert;
import io.vigil.common.serde.JsonSerde;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Sends every incident transition to Prometheus Alertmanager ({@code POST {url}/api/v2/alerts}), re-sends the
 * active incidents every {@code resendInterval} as Alertmanager expects, and resolves them on CLOSED. The active
 * incidents are the writer's checkpointed state, so a restart keeps re-sending them.
 */
public final class AlertmanagerSink implements Sink<Alert>, SupportsWriterState<Alert, Alert> {
    private static final long serialVersionUID = 1L;
    private final String url;
    private final Duration resendInterval;
    private final Duration retryTimeout;

    public AlertmanagerSink(String url, Duration resendInterval, Duration retryTimeout) {
        this.url = url;
        this.resendInterval = resendInterval;
        this.retryTimeout = retryTimeout;
    }

    @Override
    public StatefulSinkWriter<Alert, Alert> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<Alert, Alert> restoreWriter(WriterInitContext context, Collection<Alert> active) {
        return new AlertmanagerWriter(url, resendInterval, retryTimeout, context.getProcessingTimeService(),
                context.metricGroup().counter("alertmanagerErrors"), active);
    }

    @Override
    public SimpleVersionedSerializer<Alert> getWriterStateSerializer() {
        return new SimpleVersionedSerializer<>() {
            private final JsonSerde<Alert> json = JsonSerde.alerts();

            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Alert alert) {
                return json.toBytes(alert);
            }

            @Override
            public Alert deserialize(int version, byte[] bytes) throws IOException {
                return json.fromBytes(bytes);
            }
        };
    }
}

package io.vigil.job.alertmanager;

import io.vigil.common.Alert;
import io.vigil.common.serde.Json;
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
 * incidents and the notices Alertmanager has not taken yet are the writer's checkpointed state, so a restart keeps
 * re-sending the former and delivers the latter.
 */
public final class AlertmanagerSink implements Sink<Alert>, SupportsWriterState<Alert, AlertmanagerState> {
    private static final long serialVersionUID = 1L;
    private final String url;
    private final Duration resendInterval;

    public AlertmanagerSink(String url, Duration resendInterval) {
        this.url = url;
        this.resendInterval = resendInterval;
    }

    @Override
    public StatefulSinkWriter<Alert, AlertmanagerState> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<Alert, AlertmanagerState> restoreWriter(WriterInitContext context,
                                                                     Collection<AlertmanagerState> state) {
        return new AlertmanagerWriter(url, resendInterval, context.getMailboxExecutor(), context.getProcessingTimeService(),
                context.metricGroup().counter("alertmanagerErrors"), state);
    }

    /** Version 1 held only active incidents as alert JSON; version 2 holds {@link AlertmanagerState} JSON. */
    @Override
    public SimpleVersionedSerializer<AlertmanagerState> getWriterStateSerializer() {
        return new SimpleVersionedSerializer<>() {
            private final JsonSerde<Alert> alerts = JsonSerde.alerts();

            @Override
            public int getVersion() {
                return 2;
            }

            @Override
            public byte[] serialize(AlertmanagerState state) throws IOException {
                return Json.mapper().writeValueAsBytes(state);
            }

            @Override
            public AlertmanagerState deserialize(int version, byte[] bytes) throws IOException {
                return version == 1 ? AlertmanagerState.active(alerts.fromBytes(bytes))
                        : Json.mapper().readValue(bytes, AlertmanagerState.class);
            }
        };
    }
}

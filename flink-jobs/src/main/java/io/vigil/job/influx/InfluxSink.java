package io.vigil.job.influx;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.base.sink.writer.strategy.CongestionControlRateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.NoOpScalingStrategy;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes records to InfluxDB as points on Flink's async sink: batches of {@link InfluxSettings#batchSize()} or every
 * {@link InfluxSettings#flushInterval()}, one request in flight, never blocking the task thread on InfluxDB (see
 * {@link InfluxSinkWriter}). Before every checkpoint barrier the writer waits (yielding to its mailbox) until
 * InfluxDB has accepted everything it holds, so a completed checkpoint never has unwritten points behind it:
 * at-least-once, and replays overwrite the same points.
 */
public final class InfluxSink<T> extends AsyncSinkBase<T, InfluxPoint> {
    private static final long serialVersionUID = 1L;
    /** Points buffered per batch size before writes wait: room to keep taking records while a request waits. */
    static final int BUFFERED_BATCHES = 4;
    static final long MAX_BATCH_BYTES = 64L << 20;
    static final long MAX_POINT_BYTES = 1L << 20;
    /** Longer than a write and the CREATE DATABASE before it ({@link InfluxSinkWriter#REQUEST_TIMEOUT} each). */
    static final long ASYNC_REQUEST_TIMEOUT_MS = 120_000;
    private final InfluxSettings settings;
    private final TimeUnit precision;

    /** When a record entered Vigil (epoch ms), for the store latency metric. */
    @FunctionalInterface
    public interface ReceiveTime<T> extends Serializable {
        long of(T element);
    }

    public InfluxSink(InfluxSettings settings, LineFormat<T> format) {
        this(settings, format, null);
    }

    /** With {@code receiveTime}, the sink also reports {@code storeLatencyMs}; null: it does not. */
    public InfluxSink(InfluxSettings settings, LineFormat<T> format, ReceiveTime<T> receiveTime) {
        super(new Points<>(format, receiveTime), settings.batchSize(), 1, BUFFERED_BATCHES * settings.batchSize(),
                MAX_BATCH_BYTES, settings.flushInterval().toMillis(), MAX_POINT_BYTES, ASYNC_REQUEST_TIMEOUT_MS, false);
        this.settings = settings;
        this.precision = format.precision();
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<InfluxPoint>> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    @SuppressWarnings("unchecked") // the converter is the Points this sink was made with
    public StatefulSinkWriter<T, BufferedRequestState<InfluxPoint>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<InfluxPoint>> state) {
        AsyncSinkWriterConfiguration configuration = AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .setRequestTimeoutMS(getRequestTimeoutMS())
                .setFailOnTimeout(getFailOnTimeout())
                // fixed batches: the default strategy shrinks them on failures, and after an outage the backlog
                // would then drain in tiny writes
                .setRateLimitingStrategy(CongestionControlRateLimitingStrategy.builder()
                        .setMaxInFlightRequests(getMaxInFlightRequests())
                        .setInitialMaxInFlightMessages(getMaxBatchSize())
                        .setScalingStrategy(new NoOpScalingStrategy<>())
                        .build())
                .build();
        return new InfluxSinkWriter<>((Points<T>) getElementConverter(), context, configuration, settings, precision,
                state);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<InfluxPoint>> getWriterStateSerializer() {
        return new InfluxPoint.StateSerializer();
    }

    /**
     * Formats each record once: the writer asks {@link #next} first, so a record that cannot be a point is counted
     * and never buffered, and the base writer's {@link #apply} then takes the point already made.
     */
    static final class Points<T> implements ElementConverter<T, InfluxPoint> {
        private static final long serialVersionUID = 1L;
        private final LineFormat<T> format;
        private final ReceiveTime<T> receiveTime;
        private transient InfluxPoint next;

        Points(LineFormat<T> format, ReceiveTime<T> receiveTime) {
            this.format = format;
            this.receiveTime = receiveTime;
        }

        /** The record's point, kept for {@link #apply}; null if it cannot be stored. */
        InfluxPoint next(T element) {
            String line = format.line(element);
            next = line == null ? null : new InfluxPoint(line, receiveTime == null ? 0 : receiveTime.of(element));
            return next;
        }

        @Override
        public InfluxPoint apply(T element, org.apache.flink.api.connector.sink2.SinkWriter.Context context) {
            InfluxPoint point = next != null ? next : next(element);
            next = null;
            return point;
        }
    }
}

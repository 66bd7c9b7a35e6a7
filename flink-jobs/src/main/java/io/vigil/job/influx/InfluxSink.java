package io.vigil.job.influx;

import java.io.IOException;
import java.io.Serializable;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Writes records to InfluxDB as points, in batches of {@link InfluxSettings#batchSize()} or every
 * {@link InfluxSettings#flushInterval()}. {@link SinkWriter#flush} runs before every checkpoint barrier and
 * returns only once InfluxDB has accepted every buffered point, so a completed checkpoint never has unwritten
 * points behind it: at-least-once, and replays overwrite the same points.
 */
public final class InfluxSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final InfluxSettings settings;
    private static final int LATENCY_WINDOW = 1000;
    private final LineFormat<T> format;
    private final ReceiveTime<T> receiveTime;

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
        this.settings = settings;
        this.format = format;
        this.receiveTime = receiveTime;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        try {
            return new Writer<>(settings, format, receiveTime, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating the InfluxDB database", e);
        }
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final LineFormat<T> format;
        private final InfluxWriter influx;
        private final Counter skipped;
        private final ProcessingTimeService time;
        private final long flushIntervalMs;
        private final ReceiveTime<T> receiveTime;
        private final Histogram storeLatencyMs;
        private long oldestUnwritten = Long.MAX_VALUE;

        Writer(InfluxSettings settings, LineFormat<T> format, ReceiveTime<T> receiveTime, WriterInitContext context)
                throws IOException, InterruptedException {
            this.format = format;
            this.receiveTime = receiveTime;
            var metrics = context.metricGroup();
            this.influx = new InfluxWriter(settings, metrics.counter("influxPointsWritten"),
                    metrics.counter("influxWriteErrors"), metrics.histogram("influxWriteLatencyMs",
                            new DescriptiveStatisticsHistogram(LATENCY_WINDOW)), format.precision());
            this.storeLatencyMs = metrics.histogram("storeLatencyMs",
                    new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
            this.skipped = metrics.counter("influxPointsSkipped");
            this.time = context.getProcessingTimeService();
            this.flushIntervalMs = settings.flushInterval().toMillis();
            influx.createDatabase();
            scheduleFlush();
        }

        private void scheduleFlush() {
            // the callback runs on the task thread (mailbox), never concurrently with write()
            time.registerTimer(time.getCurrentProcessingTime() + flushIntervalMs, now -> {
                influx.flush();
                recordStoreLatency();
                scheduleFlush();
            });
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            String line = format.line(element);
            if (line == null) {
                skipped.inc();
                return;
            }
            if (receiveTime != null) {
                oldestUnwritten = Math.min(oldestUnwritten, receiveTime.of(element));
            }
            influx.add(line);
            recordStoreLatency();
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            influx.flush();
            recordStoreLatency();
        }

        /** Once a batch is written: receipt of its oldest record to InfluxDB's acceptance, the worst in the batch. */
        private void recordStoreLatency() {
            if (influx.buffered() == 0 && oldestUnwritten != Long.MAX_VALUE) {
                storeLatencyMs.update(System.currentTimeMillis() - oldestUnwritten);
                oldestUnwritten = Long.MAX_VALUE;
            }
        }

        @Override
        public void close() {
            // nothing to release: unflushed points belong to an incomplete checkpoint and are replayed
        }
    }
}

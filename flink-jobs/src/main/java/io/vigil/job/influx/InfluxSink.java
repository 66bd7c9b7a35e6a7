package io.vigil.job.influx;

import java.io.IOException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;

/**
 * Writes records to InfluxDB as points, in batches of {@link InfluxSettings#batchSize()} or every
 * {@link InfluxSettings#flushInterval()}. {@link SinkWriter#flush} runs before every checkpoint barrier and
 * returns only once InfluxDB has accepted every buffered point, so a completed checkpoint never has unwritten
 * points behind it: at-least-once, and replays overwrite the same points.
 */
public final class InfluxSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final InfluxSettings settings;
    private final LineFormat<T> format;

    public InfluxSink(InfluxSettings settings, LineFormat<T> format) {
        this.settings = settings;
        this.format = format;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        try {
            return new Writer<>(settings, format, context);
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

        Writer(InfluxSettings settings, LineFormat<T> format, WriterInitContext context)
                throws IOException, InterruptedException {
            this.format = format;
            var metrics = context.metricGroup();
            this.influx = new InfluxWriter(settings, metrics.counter("influxPointsWritten"),
                    metrics.counter("influxWriteErrors"));
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
            influx.add(line);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            influx.flush();
        }

        @Override
        public void close() {
            // nothing to release: unflushed points belong to an incomplete checkpoint and are replayed
        }
    }
}

package io.vigil.job.influx;

import io.vigil.common.Backoff;
import io.vigil.job.http.AsyncHttp;
import io.vigil.job.http.HttpOutcome;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of points to InfluxDB's v1 {@code /write} endpoint (creating the database first; {@code CREATE
 * DATABASE} is idempotent). Every answer comes back to the task's mailbox and is classified by {@link HttpOutcome}:
 * accepted points are done; on 429, 5xx or no answer the batch goes back to the head of the writer's buffer after
 * a {@link #RETRY} backoff on a timer, while the task keeps processing records until the buffer is full; after
 * {@link InfluxSettings#retryTimeout()} of nothing but such failures, or at once on any other answer, the task fails
 * with InfluxDB's answer and Flink restarts it from the last checkpoint, which loses no point.
 */
final class InfluxSinkWriter<T> extends AsyncSinkWriter<T, InfluxPoint> {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxSinkWriter.class);
    static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int LATENCY_WINDOW = 1000;

    private final InfluxSink.Points<T> points;
    private final InfluxSettings settings;
    private final AsyncHttp http = new AsyncHttp(Duration.ofSeconds(5));
    private final URI write;
    private final URI createDatabase;
    private final MailboxExecutor mailbox;
    private final ProcessingTimeService time;
    private final Counter written;
    private final Counter errors;
    private final Counter skipped;
    private final Histogram writeLatencyMs;
    private final Histogram storeLatencyMs;
    /** Task thread only. Null until the database is known to exist, and again after any failure. */
    private CompletableFuture<AsyncHttp.Answer> database;
    private int failures;
    private long failingSinceMs;

    /** @param configuration the sink's batching, from {@link InfluxSink}, its one declaration */
    InfluxSinkWriter(InfluxSink.Points<T> points, WriterInitContext context, AsyncSinkWriterConfiguration configuration,
                     InfluxSettings settings, TimeUnit precision, Collection<BufferedRequestState<InfluxPoint>> state) {
        super(points, context, configuration, state);
        if (precision != TimeUnit.MILLISECONDS && precision != TimeUnit.NANOSECONDS) {
            throw new IllegalArgumentException("precision must be ms or ns: " + precision);
        }
        this.points = points;
        this.settings = settings;
        this.write = URI.create(settings.url() + "/write?db=" + encode(settings.database()) + "&precision="
                + (precision == TimeUnit.MILLISECONDS ? "ms" : "ns"));
        this.createDatabase = URI.create(settings.url() + "/query?q="
                + encode("CREATE DATABASE \"" + settings.database().replace("\"", "\\\"") + "\""));
        this.mailbox = context.getMailboxExecutor();
        this.time = context.getProcessingTimeService();
        var metrics = context.metricGroup();
        this.written = metrics.counter("influxPointsWritten");
        this.errors = metrics.counter("influxWriteErrors");
        this.skipped = metrics.counter("influxPointsSkipped");
        this.writeLatencyMs = metrics.histogram("influxWriteLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        this.storeLatencyMs = metrics.histogram("storeLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        this.database = http.send(post(createDatabase, ""));
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        InfluxPoint point = points.next(element);
        if (point == null || point.sizeInBytes() > InfluxSink.MAX_POINT_BYTES) {
            // the base writer would fail the task on an oversized entry: one odd record must not stop the job
            if (point != null) {
                LOG.warn("point of {} bytes not stored, more than {}: {}...", point.sizeInBytes(),
                        InfluxSink.MAX_POINT_BYTES, point.line().substring(0, 200));
            }
            skipped.inc();
            return;
        }
        super.write(element, context);
    }

    /**
     * Before every checkpoint (and at the end): everything buffered is written, not only what is in flight, so a
     * completed checkpoint has no unwritten points behind it. The task yields to its mailbox meanwhile (answers and
     * retry timers run), and while InfluxDB is away no checkpoint completes.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(true);
    }

    @Override
    protected void submitRequestEntries(List<InfluxPoint> batch, ResultHandler<InfluxPoint> result) {
        long start = System.nanoTime();
        if (database == null) {
            database = http.send(post(createDatabase, ""));
        }
        StringBuilder body = new StringBuilder();
        batch.forEach(p -> body.append(p.line()).append('\n'));
        database.thenCompose(created -> created.ok() ? http.send(post(write, body.toString()))
                        : CompletableFuture.completedFuture(new AsyncHttp.Answer(created.outcome(),
                                "CREATE DATABASE: " + created.detail())))
                .thenAccept(answer -> mailbox.execute(() -> answered(answer, batch, result, start),
                        "InfluxDB answered a write of %d points", batch.size()));
    }

    private void answered(AsyncHttp.Answer answer, List<InfluxPoint> batch, ResultHandler<InfluxPoint> result,
                          long start) {
        if (answer.ok()) {
            failures = 0;
            failingSinceMs = 0;
            written.inc(batch.size());
            writeLatencyMs.update((System.nanoTime() - start) / 1_000_000);
            long oldest = batch.stream().mapToLong(InfluxPoint::receivedAt).filter(t -> t > 0).min().orElse(0);
            if (oldest > 0) {
                storeLatencyMs.update(System.currentTimeMillis() - oldest);
            }
            result.complete();
            return;
        }
        errors.inc();
        database = null; // InfluxDB may come back without it
        String what = "the write of " + batch.size() + " points to " + settings.database();
        if (answer.outcome() == HttpOutcome.FATAL) {
            result.completeExceptionally(new InfluxRejectedException("InfluxDB refused " + what + ": " + answer.detail()));
            return;
        }
        long now = System.currentTimeMillis();
        failingSinceMs = failures++ == 0 ? now : failingSinceMs;
        if (now - failingSinceMs >= settings.retryTimeout().toMillis()) {
            result.completeExceptionally(new IOException("InfluxDB still failing after " + settings.retryTimeout()
                    + " (" + failures + " attempts): " + answer.detail()));
            return;
        }
        long delay = RETRY.after(failures).toMillis();
        LOG.warn("InfluxDB did not take {} ({}); retrying in {} ms", what, answer.detail(), delay);
        time.registerTimer(time.getCurrentProcessingTime() + delay, t -> result.retryForEntries(batch));
    }

    @Override
    protected long getSizeInBytes(InfluxPoint point) {
        return point.sizeInBytes();
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** InfluxDB answered that the request itself is wrong (4xx other than 429): retrying cannot help. */
    public static final class InfluxRejectedException extends IOException {
        private static final long serialVersionUID = 1L;

        InfluxRejectedException(String message) {
            super(message);
        }
    }
}

package io.vigil.job.influx;

import io.vigil.job.http.RetryingHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Buffers line-protocol points and writes them in batches to InfluxDB's v1 {@code /write} endpoint. A batch is
 * kept until InfluxDB accepts it: transient failures are retried with exponential backoff for at most
 * {@link InfluxSettings#retryTimeout()} ({@link RetryingHttp}), then the write fails so Flink restarts from the last
 * checkpoint.
 */
public final class InfluxWriter {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final InfluxSettings settings;
    private final Counter pointsWritten;
    private final Histogram writeLatencyMs;
    private final RetryingHttp http;
    private final String precision;
    private final StringBuilder buffer = new StringBuilder();
    private int buffered;

    public InfluxWriter(InfluxSettings settings, Counter pointsWritten, Counter writeErrors) {
        this(settings, pointsWritten, writeErrors, new DescriptiveStatisticsHistogram(1));
    }

    /** {@code writeLatencyMs}: how long each accepted write took, retries included. */
    public InfluxWriter(InfluxSettings settings, Counter pointsWritten, Counter writeErrors, Histogram writeLatencyMs) {
        this(settings, pointsWritten, writeErrors, writeLatencyMs, TimeUnit.MILLISECONDS);
    }

    /** {@code precision}: the unit of the points' times, {@link TimeUnit#MILLISECONDS} or {@link TimeUnit#NANOSECONDS}. */
    public InfluxWriter(InfluxSettings settings, Counter pointsWritten, Counter writeErrors, Histogram writeLatencyMs,
                        TimeUnit precision) {
        if (precision != TimeUnit.MILLISECONDS && precision != TimeUnit.NANOSECONDS) {
            throw new IllegalArgumentException("precision must be ms or ns: " + precision);
        }
        this.precision = precision == TimeUnit.MILLISECONDS ? "ms" : "ns";
        this.settings = settings;
        this.pointsWritten = pointsWritten;
        this.writeLatencyMs = writeLatencyMs;
        this.http = new RetryingHttp(settings.retryTimeout(), writeErrors);
    }

    /** {@code CREATE DATABASE} is idempotent in InfluxDB 1.x, so this runs on every start. */
    public void createDatabase() throws IOException, InterruptedException {
        send("CREATE DATABASE", URI.create(settings.url() + "/query?q="
                + encode("CREATE DATABASE \"" + settings.database().replace("\"", "\\\"") + "\"")), "");
    }

    /** Adds one point; writes the batch when it is full. */
    public void add(String line) throws IOException, InterruptedException {
        buffer.append(line).append('\n');
        if (++buffered >= settings.batchSize()) {
            flush();
        }
    }

    /** Writes every buffered point; returns only once InfluxDB has accepted them. */
    public void flush() throws IOException, InterruptedException {
        if (buffered == 0) {
            return;
        }
        long start = System.nanoTime();
        send("write of " + buffered + " points", URI.create(settings.url() + "/write?db=" + encode(settings.database())
                + "&precision=" + precision), buffer.toString());
        writeLatencyMs.update((System.nanoTime() - start) / 1_000_000);
        pointsWritten.inc(buffered);
        buffer.setLength(0);
        buffered = 0;
    }

    public int buffered() {
        return buffered;
    }

    private void send(String what, URI uri, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        http.send("InfluxDB " + what, request, failure -> new InfluxRejectedException("InfluxDB refused the " + what
                + " to " + settings.database() + ": " + failure));
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

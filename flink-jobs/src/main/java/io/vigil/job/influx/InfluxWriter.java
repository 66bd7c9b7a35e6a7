package io.vigil.job.influx;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers line-protocol points and writes them in batches to InfluxDB's v1 {@code /write} endpoint. A batch is
 * kept until InfluxDB accepts it: transient failures are retried with exponential backoff for at most
 * {@link InfluxSettings#retryTimeout()}, then the write fails so Flink restarts from the last checkpoint.
 */
public final class InfluxWriter {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxWriter.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** What to do after a request: the one place HTTP outcomes are classified. */
    enum Outcome {
        OK, RETRY, FATAL;

        /** {@code response} is null when no answer came (connection refused, reset or timed out): retry. */
        static Outcome of(HttpResponse<?> response) {
            return response == null ? RETRY : of(response.statusCode());
        }

        static Outcome of(int status) {
            if (status / 100 == 2) {
                return OK;
            }
            // 429: throttled; 5xx includes InfluxDB's overload answer 500 "engine: error syncing wal"
            return status == 429 || status / 100 == 5 ? RETRY : FATAL;
        }
    }

    private final InfluxSettings settings;
    private final Counter pointsWritten;
    private final Counter writeErrors;
    private final Histogram writeLatencyMs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final StringBuilder buffer = new StringBuilder();
    private int buffered;

    public InfluxWriter(InfluxSettings settings, Counter pointsWritten, Counter writeErrors) {
        this(settings, pointsWritten, writeErrors, new DescriptiveStatisticsHistogram(1));
    }

    /** {@code writeLatencyMs}: how long each accepted write took, retries included. */
    public InfluxWriter(InfluxSettings settings, Counter pointsWritten, Counter writeErrors, Histogram writeLatencyMs) {
        this.settings = settings;
        this.pointsWritten = pointsWritten;
        this.writeErrors = writeErrors;
        this.writeLatencyMs = writeLatencyMs;
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
                + "&precision=ms"), buffer.toString());
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
        long deadline = System.nanoTime() + settings.retryTimeout().toNanos();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            String failure;
            HttpResponse<String> response = null;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
                failure = "HTTP " + response.statusCode() + " " + response.body().trim();
            } catch (IOException e) {
                failure = e.toString();
            }
            Outcome outcome = Outcome.of(response);
            if (outcome == Outcome.OK) {
                return;
            }
            writeErrors.inc();
            if (outcome == Outcome.FATAL) {
                throw new InfluxRejectedException("InfluxDB refused the " + what + " to " + settings.database()
                        + ": " + failure);
            }
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                throw new IOException("InfluxDB " + what + " still failing after " + settings.retryTimeout()
                        + ": " + failure);
            }
            LOG.warn("InfluxDB {} failed, retrying in {} ms: {}", what, backoff.toMillis(), failure);
            Thread.sleep(backoff.toMillis()); // holding the task thread back-pressures the job while InfluxDB is away
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
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

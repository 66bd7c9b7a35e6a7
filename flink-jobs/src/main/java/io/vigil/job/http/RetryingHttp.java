package io.vigil.job.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request until the server accepts it: {@link HttpOutcome#RETRY} outcomes are retried with exponential
 * backoff for at most {@code retryTimeout}, then an {@link IOException} fails the task so Flink restarts it from
 * the last checkpoint; a {@link HttpOutcome#FATAL} answer fails at once with the caller's exception.
 */
public final class RetryingHttp {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingHttp.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Duration retryTimeout;
    private final Counter errors;

    public RetryingHttp(Duration retryTimeout, Counter errors) {
        this.retryTimeout = retryTimeout;
        this.errors = errors;
    }

    public void send(String what, HttpRequest request, Function<String, IOException> rejected)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + retryTimeout.toNanos();
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
            HttpOutcome outcome = HttpOutcome.of(response);
            if (outcome == HttpOutcome.OK) {
                return;
            }
            errors.inc();
            if (outcome == HttpOutcome.FATAL) {
                throw rejected.apply(failure);
            }
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                throw new IOException(what + " still failing after " + retryTimeout + ": " + failure);
            }
            LOG.warn("{} failed, retrying in {} ms: {}", what, backoff.toMillis(), failure);
            Thread.sleep(backoff.toMillis()); // holding the task thread back-pressures the job while the server is away
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }
}

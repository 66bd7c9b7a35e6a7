package io.vigil.job.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends HTTP requests without blocking the caller and classifies each answer with {@link HttpOutcome}. The sinks
 * hand the answer back to their task's mailbox and retry on a timer, so no task thread waits for a server.
 */
public final class AsyncHttp {
    private final HttpClient http;

    public AsyncHttp(Duration connectTimeout) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    /** Never completes exceptionally: no answer at all (refused, reset, timed out) is a {@link HttpOutcome#RETRY}. */
    public CompletableFuture<Answer> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure == null) {
                return new Answer(HttpOutcome.of(response.statusCode()), "HTTP " + response.statusCode() + " " + response.body().trim());
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            return new Answer(HttpOutcome.RETRY, cause.toString());
        });
    }

    /** What came back: its class and, for the logs and error messages, the status and body or the failure. */
    public record Answer(HttpOutcome outcome, String detail) {
        public boolean ok() {
            return outcome == HttpOutcome.OK;
        }
    }
}

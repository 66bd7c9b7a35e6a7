package io.vigil.gateway.ack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /incidents/{id}/ack} with {@code {"by":"...","comment":"..."}}: answers 202 once Kafka has the
 * acknowledgement on the control and audit topics, 400 for bad input, 503 when Kafka does not take it in time.
 * Bound to loopback only: officers reach it through whatever authenticating proxy the site runs.
 */
public final class AcknowledgementHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AcknowledgementHttp.class);
    private static final Pattern ACK_PATH = Pattern.compile("/incidents/([^/]+)/ack");
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService handlers;
    private final AcknowledgementPublisher publisher;
    private final Duration kafkaAckTimeout;

    private AcknowledgementHttp(HttpServer server, AcknowledgementPublisher publisher, Duration kafkaAckTimeout) {
        this.server = server;
        this.publisher = publisher;
        this.kafkaAckTimeout = kafkaAckTimeout;
        this.handlers = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "ack-http");
            t.setDaemon(true);
            return t;
        });
    }

    /** @param port 0 picks a free one, see {@link #port()} */
    public static AcknowledgementHttp start(int port, AcknowledgementPublisher publisher, Duration kafkaAckTimeout)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        AcknowledgementHttp http = new AcknowledgementHttp(server, publisher, kafkaAckTimeout);
        server.createContext("/", http::handle);
        server.setExecutor(http.handlers);
        server.start();
        return http;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = ACK_PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!path.matches()) {
                respond(exchange, 404, Map.of("error", "not found; acknowledge with POST /incidents/{id}/ack"));
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                respond(exchange, 405, Map.of("error", "use POST"));
                return;
            }
            String incidentId = URLDecoder.decode(path.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
            byte[] body = readAtMost(exchange.getRequestBody(), AcknowledgementRequests.MAX_BODY_BYTES + 1);
            Acknowledgement ack;
            try {
                ack = AcknowledgementRequests.parse(incidentId, body,
                        "http " + exchange.getRemoteAddress().getAddress().getHostAddress() + ":"
                                + exchange.getRemoteAddress().getPort(), System.currentTimeMillis());
            } catch (InvalidAcknowledgement e) {
                respond(exchange, 400, Map.of("error", e.getMessage(), "reason", e.reason().name()));
                return;
            }
            try {
                // the producer gives up after kafkaAckTimeout itself; the margin only guards against a lost callback
                publisher.publish(ack).get(kafkaAckTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                LOG.warn("acknowledgement of {} by {} not stored: {}", ack.incidentId(), ack.by(), e.toString());
                respond(exchange, 503, Map.of("error", "not stored, Kafka did not acknowledge; try again"));
                return;
            }
            respond(exchange, 202, ack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // one broken exchange must not stop the server
            LOG.warn("acknowledgement request failed", e);
        }
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] json = Json.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        handlers.shutdownNow();
    }
}

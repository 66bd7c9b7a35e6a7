package io.vigil.job.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback HTTP server that answers the requests to one path with the statuses a test queued (then 204), and any
 * other path with 200; it records what it was sent. A queued {@link #HOLD} keeps that request unanswered until
 * {@link #release}.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    public static final int HOLD = -1;
    private final HttpServer server;
    private final String path;
    private final BlockingQueue<Integer> statuses = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> released = new LinkedBlockingQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** One request to the scripted path: when it came (epoch ms), its body and the status it got. */
    public record Request(long at, String body, int status) {}

    public ScriptedHttpServer(String path) throws IOException {
        this.path = path;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::answer);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The answers to the next requests to the path, in order. */
    public void answer(int... next) {
        for (int status : next) {
            statuses.add(status);
        }
    }

    /** Answers the held request with {@code status}. */
    public void release(int status) {
        released.add(status);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status = 200;
        if (exchange.getRequestURI().getPath().equals(path)) {
            Integer next = statuses.poll();
            status = next == null ? 204 : next;
            if (status == HOLD) {
                try {
                    status = released.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = 503;
                }
            }
            requests.add(new Request(System.currentTimeMillis(), body, status));
        }
        byte[] answer = (status / 100 == 2 ? "" : "{\"error\":\"scripted " + status + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, status == 204 ? -1 : answer.length);
        if (status != 204) {
            exchange.getResponseBody().write(answer);
        }
        exchange.close();
    }

    @Override
    public void close() {
        released.add(503);
        server.stop(0);
    }
}

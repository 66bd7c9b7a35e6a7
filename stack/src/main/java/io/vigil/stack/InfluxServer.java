package io.vigil.stack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * InfluxDB 1.x on 127.0.0.1. Its RPC port would bind 0.0.0.0:8088 unless the top-level bind-address is set, so
 * that is pinned to loopback too.
 */
public final class InfluxServer extends LocalServer {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int httpPort;
    private final int rpcPort;

    public InfluxServer(Path dir, int httpPort, int rpcPort) {
        super("influxdb", dir);
        this.httpPort = httpPort;
        this.rpcPort = rpcPort;
    }

    public int port() {
        return httpPort;
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    protected void prepare() throws IOException {
        String conf = String.join("\n",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + rpcPort + "\"",
                "[meta]",
                "  dir = \"" + dir.resolve("meta") + "\"",
                "[data]",
                "  dir = \"" + dir.resolve("data") + "\"",
                "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "  max-values-per-tag = 0",
                "[monitor]",
                "  store-enabled = false",
                "[http]",
                "  bind-address = \"127.0.0.1:" + httpPort + "\"",
                "  log-enabled = false",
                "[continuous_queries]",
                "  enabled = false",
                "");
        Files.writeString(dir.resolve("influxdb.conf"), conf);
    }

    @Override
    protected List<String> command() {
        return List.of(Binaries.require("influxd").toString(), "-config", dir.resolve("influxdb.conf").toString());
    }

    @Override
    protected boolean ready() {
        return httpStatus(url() + "/ping") == 204;
    }

    /** Runs one InfluxQL statement and returns the raw JSON answer; throws on a non-2xx status. */
    public String query(String database, String influxQl) throws IOException, InterruptedException {
        String q = url() + "/query?db=" + URLEncoder.encode(database, StandardCharsets.UTF_8) + "&q="
                + URLEncoder.encode(influxQl, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(q))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("InfluxDB query failed: HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    public void createDatabase(String database) throws IOException, InterruptedException {
        query(database, "CREATE DATABASE \"" + database + "\"");
    }
}

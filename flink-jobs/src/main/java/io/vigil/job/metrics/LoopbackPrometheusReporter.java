package io.vigil.job.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

/**
 * Flink's Prometheus reporter with its HTTP server on loopback. Flink 2.2's own {@code PrometheusReporter} binds
 * every interface ({@code new HTTPServer(new InetSocketAddress(port), ...)}) and has no host option, and Vigil's
 * servers listen on 127.0.0.1 only; so this reporter keeps Flink's metric naming and conversion (its base class) and
 * serves the base class's registry itself. The registry is package-private in Flink, hence the one reflective read,
 * checked at start: a Flink upgrade that renames it fails the job's start and the scrape test, not silently.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
    private final int port;
    private HTTPServer server;

    LoopbackPrometheusReporter(int port) {
        this.port = port;
    }

    @Override
    public void open(MetricConfig config) {
        super.open(config);
        try {
            server = new HTTPServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), registry(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve Flink's metrics for Prometheus on 127.0.0.1:" + port, e);
        }
        log.info("Flink metrics for Prometheus on http://127.0.0.1:{}/metrics", server.getPort());
    }

    private CollectorRegistry registry() {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            return (CollectorRegistry) field.get(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink's AbstractPrometheusReporter has no 'registry' field", e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        super.close();
    }
}

package io.vigil.job;

import java.net.URI;
import java.time.Duration;
import io.vigil.job.metrics.InfluxMetricReporterFactory;
import io.vigil.job.metrics.LoopbackPrometheusReporterFactory;
import org.apache.flink.configuration.Configuration;

/**
 * Flink's own metric system reports to InfluxDB ({@link io.vigil.job.metrics.InfluxMetricReporter}), so the
 * pipeline dashboard needs no Prometheus, and, for operators who scrape, serves them to Prometheus
 * ({@link io.vigil.job.metrics.LoopbackPrometheusReporter}). Names and tags: docs/metrics.md.
 */
final class MetricsReporting {
    private static final String PREFIX = "metrics.reporter.influxdb.";
    private static final String PROMETHEUS = "metrics.reporter.prometheus.";

    private MetricsReporting() {}

    static void toPrometheus(Configuration conf, int port) {
        conf.setString(PROMETHEUS + "factory.class", LoopbackPrometheusReporterFactory.class.getName());
        conf.setString(PROMETHEUS + "port", String.valueOf(port));
    }

    static void toInflux(Configuration conf, URI influx, String database, Duration interval) {
        conf.setString(PREFIX + "factory.class", InfluxMetricReporterFactory.class.getName());
        conf.setString(PREFIX + "url", influx.toString());
        conf.setString(PREFIX + "db", database);
        conf.setString(PREFIX + "interval", interval.toMillis() + " ms");
    }
}

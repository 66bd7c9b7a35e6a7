package io.vigil.job;

import java.net.URI;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * Flink's own metric system reports to InfluxDB (flink-metrics-influxdb), so the pipeline dashboard needs no
 * Prometheus. Names and tags: docs/metrics.md.
 */
final class MetricsReporting {
    private static final String PREFIX = "metrics.reporter.influxdb.";

    private MetricsReporting() {}

    static void toInflux(Configuration conf, URI influx, String database, Duration interval) {
        conf.setString(PREFIX + "factory.class", "org.apache.flink.metrics.influxdb.InfluxdbReporterFactory");
        conf.setString(PREFIX + "scheme", influx.getScheme());
        conf.setString(PREFIX + "host", influx.getHost());
        conf.setString(PREFIX + "port", String.valueOf(influx.getPort() > 0 ? influx.getPort()
                : "https".equals(influx.getScheme()) ? 443 : 80));
        conf.setString(PREFIX + "db", database);
        conf.setString(PREFIX + "interval", interval.toMillis() + " ms");
    }
}

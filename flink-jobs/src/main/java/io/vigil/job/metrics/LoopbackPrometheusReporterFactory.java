package io.vigil.job.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Flink finds the loopback Prometheus reporter through this factory; option {@code port} (required). */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String port = properties.getProperty("port");
        if (port == null) {
            throw new IllegalArgumentException("the Prometheus reporter needs a port (metrics.reporter.NAME.port)");
        }
        return new LoopbackPrometheusReporter(Integer.parseInt(port.trim()));
    }
}

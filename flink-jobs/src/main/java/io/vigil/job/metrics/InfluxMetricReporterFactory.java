package io.vigil.job.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Flink finds reporters through this factory ({@code metrics.reporter.NAME.factory.class}). */
public final class InfluxMetricReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new InfluxMetricReporter();
    }
}

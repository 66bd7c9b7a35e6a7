package io.vigil.job.detect;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** What an operator that publishes alerts reports: how many, and how long after the gateway got the reading. */
public final class AlertMetrics {
    private static final int LATENCY_WINDOW = 1000;
    private final Counter alerts;
    private final Histogram alertLatencyMs;

    public AlertMetrics(MetricGroup group) {
        alerts = group.counter("alerts");
        alertLatencyMs = group.histogram("alertLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    /** @param driver the signal that decided the alert, or null for a re-issue (acknowledgement, escalation) */
    public void published(Signal driver) {
        alerts.inc();
        if (driver != null && driver.receiveTime() > 0) {
            // the pipeline's end-to-end latency: gateway receipt of the deciding reading to its alert leaving here
            alertLatencyMs.update(System.currentTimeMillis() - driver.receiveTime());
        }
    }
}

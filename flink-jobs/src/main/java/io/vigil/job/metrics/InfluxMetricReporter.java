package io.vigil.job.metrics;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports Flink's metrics to InfluxDB's v1 {@code /write} endpoint in the layout of Flink's InfluxDB reporter:
 * measurement = logical scope + metric name joined by {@code _}, tags = scope variables, fields {@code count}
 * (counters, meters), {@code rate} (meters), {@code value} (numeric gauges) and {@code count min max mean stddev
 * p50 p75 p95 p98 p99 p999} (histograms).
 *
 * <p>Ours rather than flink-metrics-influxdb: that artifact has no Flink 2.1/2.2 release, and its 2.0.0 jar carries
 * unrelocated copies of influxdb-java 2.17 and OkHttp 3 that shadow the newer ones Vigil uses. Metrics are
 * best effort: a failed write is logged and dropped, never retried at the cost of the job.
 */
public final class InfluxMetricReporter implements MetricReporter, Scheduled {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxMetricReporter.class);
    private static final CharacterFilter KEEP = s -> s;

    private final Map<Metric, Measurement> metrics = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private URI write;
    private boolean failing;

    private record Measurement(String name, Map<String, String> tags) {}

    @Override
    public void open(MetricConfig config) {
        String url = config.getString("url", "http://127.0.0.1:8086");
        String db = config.getString("db", "vigil");
        write = URI.create(url + "/write?precision=ms&db=" + URLEncoder.encode(db, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        metrics.clear();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        String scope = LogicalScopeProvider.castFrom(group).getLogicalScope(KEEP, '_');
        Map<String, String> tags = new TreeMap<>();
        group.getAllVariables().forEach((k, v) -> tags.put(k.replaceAll("^<|>$", ""), v));
        metrics.put(metric, new Measurement(scope + "_" + metricName, tags));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        metrics.remove(metric);
    }

    @Override
    public void report() {
        long now = System.currentTimeMillis();
        StringBuilder body = new StringBuilder();
        metrics.forEach((metric, m) -> {
            String fields = fields(metric);
            if (fields != null) {
                body.append(LineProtocol.measurement(m.name()));
                m.tags().forEach((k, v) -> {
                    if (v != null && !v.isEmpty()) {
                        body.append(',').append(LineProtocol.tag(k)).append('=').append(LineProtocol.tag(v));
                    }
                });
                body.append(' ').append(fields).append(' ').append(now).append('\n');
            }
        });
        if (body.length() == 0) {
            return;
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(write).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            logOutcome(r.statusCode() / 100 == 2, "HTTP " + r.statusCode() + " " + r.body());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            logOutcome(false, e.toString());
        }
    }

    /** One warning when writes start failing and one line when they work again, not one per interval. */
    private void logOutcome(boolean ok, String detail) {
        if (!ok && !failing) {
            LOG.warn("metrics not written to {}: {}", write, detail);
        } else if (ok && failing) {
            LOG.info("metrics written to {} again", write);
        }
        failing = !ok;
    }

    static String fields(Metric metric) {
        if (metric instanceof Counter c) {
            return "count=" + c.getCount() + "i";
        }
        if (metric instanceof Meter m) {
            return "count=" + m.getCount() + "i,rate=" + LineProtocol.number(m.getRate());
        }
        if (metric instanceof Histogram h) {
            HistogramStatistics s = h.getStatistics();
            return "count=" + h.getCount() + "i,min=" + s.getMin() + "i,max=" + s.getMax() + "i,mean="
                    + LineProtocol.number(s.getMean()) + ",stddev=" + LineProtocol.number(s.getStdDev())
                    + ",p50=" + LineProtocol.number(s.getQuantile(0.5)) + ",p75=" + LineProtocol.number(s.getQuantile(0.75))
                    + ",p95=" + LineProtocol.number(s.getQuantile(0.95)) + ",p98=" + LineProtocol.number(s.getQuantile(0.98))
                    + ",p99=" + LineProtocol.number(s.getQuantile(0.99)) + ",p999=" + LineProtocol.number(s.getQuantile(0.999));
        }
        if (metric instanceof Gauge<?> g) {
            Object v = g.getValue();
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                return "value=" + LineProtocol.number(n.doubleValue());
            }
        }
        return null; // non-numeric gauges (strings, maps) have no place in a time series
    }
}

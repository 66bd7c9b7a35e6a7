package io.vigil.job.metrics;

import io.vigil.job.http.HttpOutcome;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import org.influxdb.dto.Point;
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
            Map<String, Object> fields = fields(metric);
            if (fields != null) {
                body.append(line(m.name(), m.tags(), fields, now)).append('\n');
            }
        });
        if (body.length() == 0) {
            return;
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(write).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            logOutcome(HttpOutcome.of(r.statusCode()) == HttpOutcome.OK, "HTTP " + r.statusCode() + " " + r.body());
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

    /** One point in line protocol; influxdb-java's {@link Point} does the escaping. Empty tag values are left out. */
    static String line(String measurement, Map<String, String> tags, Map<String, Object> fields, long timeMs) {
        Point.Builder point = Point.measurement(measurement).time(timeMs, TimeUnit.MILLISECONDS).fields(fields);
        tags.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                point.tag(k, v);
            }
        });
        return point.build().lineProtocol(TimeUnit.MILLISECONDS);
    }

    /** The metric's fields in the layout of Flink's InfluxDB reporter; null for what is not a number. */
    static Map<String, Object> fields(Metric metric) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (metric instanceof Counter c) {
            fields.put("count", c.getCount());
            return fields;
        }
        if (metric instanceof Meter m) {
            fields.put("count", m.getCount());
            fields.put("rate", finite(m.getRate()));
            return fields;
        }
        if (metric instanceof Histogram h) {
            HistogramStatistics s = h.getStatistics();
            fields.put("count", h.getCount());
            fields.put("min", s.getMin());
            fields.put("max", s.getMax());
            fields.put("mean", finite(s.getMean()));
            fields.put("stddev", finite(s.getStdDev()));
            fields.put("p50", finite(s.getQuantile(0.5)));
            fields.put("p75", finite(s.getQuantile(0.75)));
            fields.put("p95", finite(s.getQuantile(0.95)));
            fields.put("p98", finite(s.getQuantile(0.98)));
            fields.put("p99", finite(s.getQuantile(0.99)));
            fields.put("p999", finite(s.getQuantile(0.999)));
            return fields;
        }
        if (metric instanceof Gauge<?> g) {
            Object v = g.getValue();
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                fields.put("value", n.doubleValue()); // always a float: a field's type must not change between reports
                return fields;
            }
        }
        return null; // non-numeric gauges (strings, maps) have no place in a time series
    }

    /** NaN and infinities are not valid field values; they become 0 so one odd statistic does not lose the point. */
    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }
}

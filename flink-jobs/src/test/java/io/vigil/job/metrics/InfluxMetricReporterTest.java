package io.vigil.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.junit.jupiter.api.Test;

class InfluxMetricReporterTest {
    @Test
    void eachMetricKindGetsTheFieldsTheDashboardsRead() {
        SimpleCounter counter = new SimpleCounter();
        counter.inc(7);
        assertThat(line(counter)).isEqualTo("m count=7i 1700000000000");

        MeterView meter = new MeterView(new SimpleCounter(), 60);
        assertThat(line(meter)).startsWith("m count=0i,rate=0.0 ");

        DescriptiveStatisticsHistogram histogram = new DescriptiveStatisticsHistogram(10);
        for (long v = 1; v <= 10; v++) {
            histogram.update(v);
        }
        assertThat(line(histogram)).contains("count=10i", "min=1i", "max=10i", "p95=", "p999=");

        Gauge<Double> number = () -> 2.5;
        Gauge<Integer> whole = () -> 3;
        Gauge<Double> notANumber = () -> Double.NaN;
        Gauge<String> text = () -> "RUNNING";
        assertThat(line(number)).isEqualTo("m value=2.5 1700000000000");
        assertThat(line(whole)).as("a gauge's field stays a float").isEqualTo("m value=3.0 1700000000000");
        assertThat(InfluxMetricReporter.fields(notANumber)).isNull();
        assertThat(InfluxMetricReporter.fields(text)).isNull();
    }

    @Test
    void namesAndTagsAreEscapedForLineProtocolAndEmptyTagsLeftOut() {
        Map<String, String> tags = new TreeMap<>(Map.of("operator_name", "Source: readings -> x=1,y", "host", ""));
        MeterView meter = new MeterView(new SimpleCounter(), 60);
        String line = InfluxMetricReporter.line("a b,c", tags, InfluxMetricReporter.fields(meter), 1_700_000_000_000L);
        assertThat(line).isEqualTo("a\\ b\\,c,operator_name=Source:\\ readings\\ ->\\ x\\=1\\,y count=0i,rate=0.0 1700000000000");
    }

    static String line(Metric metric) {
        return InfluxMetricReporter.line("m", Map.of(), InfluxMetricReporter.fields(metric), 1_700_000_000_000L);
    }
}

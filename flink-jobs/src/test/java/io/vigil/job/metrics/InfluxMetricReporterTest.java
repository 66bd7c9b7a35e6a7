package io.vigil.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.junit.jupiter.api.Test;

class InfluxMetricReporterTest {
    @Test
    void eachMetricKindGetsTheFieldsTheDashboardsRead() {
        SimpleCounter counter = new SimpleCounter();
        counter.inc(7);
        assertThat(InfluxMetricReporter.fields(counter)).isEqualTo("count=7i");

        MeterView meter = new MeterView(new SimpleCounter(), 60);
        assertThat(InfluxMetricReporter.fields(meter)).startsWith("count=0i,rate=");

        DescriptiveStatisticsHistogram histogram = new DescriptiveStatisticsHistogram(10);
        for (long v = 1; v <= 10; v++) {
            histogram.update(v);
        }
        assertThat(InfluxMetricReporter.fields(histogram)).contains("count=10i", "min=1i", "max=10i", "p95=");

        Gauge<Double> number = () -> 2.5;
        Gauge<Double> notANumber = () -> Double.NaN;
        Gauge<String> text = () -> "RUNNING";
        assertThat(InfluxMetricReporter.fields(number)).isEqualTo("value=2.5");
        assertThat(InfluxMetricReporter.fields(notANumber)).isNull();
        assertThat(InfluxMetricReporter.fields(text)).isNull();
    }

    @Test
    void namesAndTagsAreEscapedForLineProtocol() {
        assertThat(LineProtocol.measurement("a b,c")).isEqualTo("a\\ b\\,c");
        assertThat(LineProtocol.tag("Source: readings -> x=1,y")).isEqualTo("Source:\\ readings\\ ->\\ x\\=1\\,y");
        assertThat(LineProtocol.number(Double.POSITIVE_INFINITY)).isEqualTo("0.0");
    }
}

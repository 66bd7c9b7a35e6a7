package io.vigil.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report names the channel of every alert latency figure, and says so when a channel had no samples. */
class E2eReportTableTest {
    private static final PhaseResult LATENCY_PHASE = new PhaseResult("latency", 200, 199, 1600, 1600, 0, 1600, 1600,
            0, 900, List.of(new ProcessLoad("job", 40, 600)));

    @Test
    void printsEachChannelsLatencyOnALineOfItsOwn() {
        AlertLatency latency = new AlertLatency(12, 11, new AlertLatency.Percentiles(700, 900, 950),
                new AlertLatency.Percentiles(1200, 1600, 1700), 13, 12, new AlertLatency.Percentiles(45, 80, 95));

        String table = E2eReportTable.format(report(latency));

        assertThat(table).contains("at 200 readings/s, gateway receive time of the reading behind each incident"
                        + " transition → the alert on each channel:")
                .contains("on MQTT vigil/alerts/# (what duty officers get; arrival at a subscriber; 13 alerts, 12"
                        + " matched to their reading): p50 45 ms, p99 80 ms, max 95 ms")
                .contains("Kafka vigil.alerts (12 transitions, 11 matched to their reading):")
                .contains("appended (LogAppendTime, inside the open transaction): p50 700 ms, p99 900 ms, max 950 ms")
                .contains("visible (read_committed consumer arrival, after the checkpoint): p50 1200 ms, p99 1600 ms,"
                        + " max 1700 ms");
    }

    @Test
    void aChannelWithoutSamplesSaysSoInsteadOfPrintingFigures() {
        AlertLatency.Percentiles none = AlertLatency.Percentiles.of(List.of());
        AlertLatency latency = new AlertLatency(3, 3, new AlertLatency.Percentiles(700, 900, 950),
                new AlertLatency.Percentiles(1200, 1600, 1700), 0, 0, none);

        String table = E2eReportTable.format(report(latency));

        assertThat(table).contains("subscriber; 0 alerts, 0 matched to their reading): no samples")
                .doesNotContain("-1 ms");
    }

    private static E2eBench.Report report(AlertLatency latency) {
        return new E2eBench.Report(List.of(LATENCY_PHASE), latency, 200, 10_000, "0.50 0.40 0.30 1/200 42",
                Path.of("/tmp/bench"));
    }
}

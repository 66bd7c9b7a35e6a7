package io.vigil.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.app.Vigil;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil bench e2e} end to end on the real servers at a small bounded load: every phase's counts must agree
 * (acknowledged = in Kafka = in InfluxDB, nothing lost, no dead letters) and the report must carry every field,
 * alert latencies on MQTT and on Kafka each with samples.
 * The figures themselves are not checked: they depend on the machine.
 */
@Tag("servers")
class BenchE2eCommandTest {
    private static final Pattern PHASE = Pattern.compile(
            "^(latency|step)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\d+\\s+\\d+\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(-?\\d+)\\s+(yes|no)",
            Pattern.MULTILINE);

    @Test
    void countsAgreeAtEveryStageAndTheReportHasEveryField(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new Vigil());
        cmd.setOut(new PrintWriter(out));
        int exit = cmd.execute("bench", "e2e", "--work-dir", dir.toString(), "--rules", "../config/bench-e2e-rules.yaml",
                "--devices", "20", "--coap-share", "0", "--warm-up-rate", "0",
                "--latency-rate", "200", "--latency-for", "8s", "--rates", "300", "--step", "4s",
                "--partitions", "2", "--gateway-subscribers", "2",
                "--out-of-orderness", "500ms", "--checkpoint-interval", "500ms");
        String report = out.toString();
        assertThat(exit).as(report).isZero();

        Matcher m = PHASE.matcher(report);
        int phases = 0;
        while (m.find()) {
            phases++;
            long sent = Long.parseLong(m.group(4));
            long acked = Long.parseLong(m.group(5));
            long inKafka = Long.parseLong(m.group(6));
            long stored = Long.parseLong(m.group(7));
            assertThat(sent).as("readings sent in %s", m.group()).isPositive();
            assertThat(acked).as("acknowledged = sent in %s", m.group()).isEqualTo(sent);
            assertThat(inKafka).as("in Kafka = acknowledged in %s", m.group()).isEqualTo(acked);
            assertThat(stored).as("in InfluxDB = acknowledged in %s", m.group()).isEqualTo(acked);
            assertThat(m.group(8)).as("lost in %s", m.group()).isEqualTo("0");
            assertThat(m.group(9)).as("dead letters in %s", m.group()).isEqualTo("0");
        }
        assertThat(phases).as(report).isEqualTo(2);
        assertThat(report).contains("highest sustained loss-free rate:", "load average after each phase:");
        for (String process : new String[] {"gateway", "job", "mosquitto", "kafka", "influxd", "bench", "publishers"}) {
            assertThat(report).as("CPU and memory of %s", process).contains(process);
        }
        Matcher latency = Pattern.compile("\\((\\d+) transitions, (\\d+) matched to their reading\\)").matcher(report);
        assertThat(latency.find()).as(report).isTrue();
        assertThat(Integer.parseInt(latency.group(2))).as("alerts timed from their reading").isPositive();
        assertThat(report).containsPattern("appended \\(LogAppendTime.*p50 \\d+ ms, p99 \\d+ ms, max \\d+ ms")
                .containsPattern("visible \\(read_committed.*p50 \\d+ ms, p99 \\d+ ms, max \\d+ ms");
        Matcher onMqtt = Pattern.compile("on MQTT vigil/alerts/# \\(.*; (\\d+) alerts, (\\d+) matched to their"
                + " reading\\): p50 (\\d+) ms, p99 (\\d+) ms, max (\\d+) ms").matcher(report);
        assertThat(onMqtt.find()).as("alert latency on MQTT in %s", report).isTrue();
        assertThat(Integer.parseInt(onMqtt.group(2))).as("MQTT alerts timed from their reading").isPositive();
        assertThat(Long.parseLong(onMqtt.group(4))).as("MQTT p99 ≥ p50")
                .isGreaterThanOrEqualTo(Long.parseLong(onMqtt.group(3)));
    }
}

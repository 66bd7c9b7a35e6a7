package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.stack.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it: every server and Vigil process for real (gateway, job and simulator as child JVMs),
 * the river-flood scenario, and the console showing a rate line and the flood gauge's alerts.
 */
class DemoTest {
    @TempDir
    Path home;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void demoShowsReadingsFlowingAndTheFloodAlarmThenStopsEverything() throws Exception {
        Demo.Ports ports = new Demo.Ports(FreePorts.tcp(), FreePorts.udp(), FreePorts.tcp(), FreePorts.tcp(),
                FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        Path rules = Path.of("..", "config", "rules.yaml").toAbsolutePath().normalize();

        // No run time, as a user runs it; the first ALARM stops it here where a user would press Ctrl-C.
        int exit = new Demo(new Demo.Config(home, rules, ports, null, true, 6, 12, Duration.ofSeconds(2)), out).run();

        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).containsPattern("vigil: \\d+\\.\\d readings/s into Kafka");
        assertThat(text).containsPattern("ALERT PRE_WARNING +river-level-high riverside/gauge-0");
        assertThat(text).containsPattern("ALERT ALARM +river-level-high riverside/gauge-0");
        assertThat(text).containsPattern("acknowledge: curl -X POST http://127\\.0\\.0\\.1:" + ports.ack()
                + "/incidents/river-level-high%3Agauge-0%3A[^/ ]+/ack");
        assertThat(text).contains("[simulator] sim:");
        assertThat(text).contains("[job] job: running");
        for (int port : new int[] {ports.mqtt(), ports.influxHttp(), ports.kafka(), ports.flinkUi()}) {
            assertThat(listening(port)).as("something still listens on port %d after the demo", port).isFalse();
        }
        assertThat(Files.list(home.resolve("logs"))).extracting(p -> p.getFileName().toString())
                .contains("gateway.log", "job.log", "simulator.log");
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.sim.DeviceCredentials;
import io.vigil.stack.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it: every server and Vigil process for real (gateway, job and simulator as child JVMs),
 * the river-flood scenario, and the console showing a rate line and the flood gauge's alerts.
 */
@Tag("servers")
class DemoTest {
    @TempDir
    Path home;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void demoShowsReadingsFlowingAndTheFloodAlarmThenStopsEverything() throws Exception {
        Demo.Ports ports = new Demo.Ports(FreePorts.tcp(), FreePorts.udp(), FreePorts.tcp(), FreePorts.tcp(),
                FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(),
                FreePorts.tcp());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        Path rules = Path.of("..", "config", "rules.yaml").toAbsolutePath().normalize();

        // No run time, as a user runs it; the first ALARM stops it here where a user would press Ctrl-C.
        int exit = new Demo(new Demo.Config(home, rules, ports, null, true, 6, 12, Duration.ofSeconds(2)), out).run();

        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).containsPattern("vigil: \\d+\\.\\d readings/s into Kafka");
        assertThat(text).containsPattern("ALERT PRE_WARNING +river-level-high at riverside/gauge-0: water_level \\d+\\.\\d\\d, limit 4\\.00");
        assertThat(text).containsPattern("ALERT ALARM +river-level-high at riverside/gauge-0: water_level \\d+\\.\\d\\d, limit 4\\.00");
        assertThat(text).containsPattern("acknowledge: curl -X POST http://127\\.0\\.0\\.1:" + ports.ack()
                + "/incidents/river-level-high%3Agauge-0%3A[^/ ]+/ack");
        assertThat(text).contains("[simulator] sim:");
        assertThat(text).contains("[job] job: running");
        for (int port : new int[] {ports.mqtt(), ports.influxHttp(), ports.kafka(), ports.flinkUi()}) {
            assertThat(listening(port)).as("something still listens on port %d after the demo", port).isFalse();
        }
        // security on: devices log in with their own secrets, kept owner-only; only the hand-send hint's are shown
        assertThat(text).containsPattern("mosquitto_pub -p " + ports.mqtt() + " -u my-gauge -P '[^']+' -t vigil/readings/my-gauge");
        assertThat(text).containsPattern("coap-client-openssl -m post -t 50 -u my-gauge -k '[^']+' -f - coaps://127\\.0\\.0\\.1:"
                + ports.coaps() + "/readings/my-gauge");
        Path secrets = home.resolve("secrets");
        for (Path secret : List.of(home.resolve("devices.yaml"), secrets.resolve("devices.yaml"),
                secrets.resolve("gateway.password"), secrets.resolve("job.password"),
                secrets.resolve("mosquitto/passwords"), secrets.resolve("mosquitto/acl"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).as(secret.toString())
                    .isEqualTo("rw-------");
        }
        assertThat(text).doesNotContain(Files.readAllLines(secrets.resolve("gateway.password")).get(0));
        Map<String, DeviceCredentials> devices = DeviceCredentials.read(secrets.resolve("devices.yaml"));
        assertThat(devices).containsKeys("gauge-0", "gauge-5", "my-gauge");
        assertThat(text).doesNotContain(devices.get("gauge-0").mqttPassword());
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

package io.vigil.stack;

import static io.vigil.stack.LocalStack.Server.ALERTMANAGER;
import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each real server starts on loopback, does its job, and restarts on the same data. */
@Tag("servers")
class LocalStackTest {
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, MQTT, INFLUX, KAFKA, ALERTMANAGER).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void influxStoresAndAnswersQueries() throws Exception {
        stack.influx.createDatabase("t");
        assertThat(stack.influx.query("t", "SHOW DATABASES")).contains("\"t\"");
    }

    @Test
    void kafkaTopicsAreCreatedOnceAndSurviveRestart() throws Exception {
        stack.kafka.createTopics(2, "a.topic");
        stack.kafka.createTopics(2, "a.topic");
        stack.kafka.close();
        stack.kafka.start();
        try (var admin = stack.kafka.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("a.topic");
        }
    }

    @Test
    void mosquittoDeliversRetainedMessages() throws Exception {
        String port = String.valueOf(stack.mosquitto.port());
        Process pub = new ProcessBuilder(Binaries.require("mosquitto_pub").toString(), "-h", "127.0.0.1", "-p", port,
                "-t", "t/x", "-m", "hello", "-r", "-q", "1").redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).isZero();
        Process sub = new ProcessBuilder(Binaries.require("mosquitto_sub").toString(), "-h", "127.0.0.1", "-p", port,
                "-t", "t/x", "-C", "1", "-W", "10").redirectErrorStream(true).start();
        assertThat(sub.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("hello");
    }

    @Test
    void alertmanagerOpensNoClusterPort() throws Exception {
        assertThat(stack.alertmanager.isRunning()).isTrue();
        // Alertmanager's gossip port defaults to 0.0.0.0:9094; LISTEN sockets are state 0A in /proc/net/tcp*.
        String clusterPort = String.format(":%04X ", 9094);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : java.nio.file.Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[3].equals("0A")) {
                    assertThat(f[1] + " ").doesNotEndWith(clusterPort);
                }
            }
        }
    }
}

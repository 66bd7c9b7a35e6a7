package io.vigil.app;

import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.stack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A device registered with {@code vigil devices add} while the broker runs logs in over MQTT without a restart. */
@Tag("servers")
class BrokerAccessSyncTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void aDeviceAddedWhileTheBrokerRunsLogsInAndARevokedOneNoLonger() throws Exception {
        DemoAccess access = DemoAccess.prepare(home, 1, null);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (LocalStack stack = LocalStack.onFreePorts(home.resolve("stack"), MQTT)) {
            stack.mosquitto.withAccess(access.passwordFile, access.aclFile);
            stack.start();
            try (BrokerAccessSync sync = BrokerAccessSync.start(access, stack.mosquitto,
                    new PrintStream(console, true, StandardCharsets.UTF_8))) {
                String password = add("late-gauge", access.registryFile);

                await().atMost(WAIT).until(() -> logsIn(stack.mosquitto.url(), "late-gauge", password));
                assertThat(console.toString(StandardCharsets.UTF_8))
                        .contains("device registry changed; the broker now knows");

                assertThat(vigil("devices", "revoke", "late-gauge", "--registry", access.registryFile.toString()))
                        .startsWith("0\n");
                await().atMost(WAIT).until(() -> !logsIn(stack.mosquitto.url(), "late-gauge", password));
            }
        }
    }

    private static String add(String id, Path registry) {
        String added = vigil("devices", "add", id, "--zone", "riverside", "--registry", registry.toString());
        assertThat(added).startsWith("0\n");
        Matcher m = Pattern.compile("password (\\S+)").matcher(added);
        assertThat(m.find()).as(added).isTrue();
        return m.group(1);
    }

    private static boolean logsIn(String url, String user, String password) throws MqttException {
        MqttClient client = new MqttClient(url, user + "-probe", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        try {
            client.connect(o);
            client.disconnect();
            return true;
        } catch (MqttException refused) {
            return false;
        } finally {
            client.close();
        }
    }

    private static String vigil(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Vigil()).execute(args);
            return code + "\n" + bytes.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(saved);
        }
    }
}

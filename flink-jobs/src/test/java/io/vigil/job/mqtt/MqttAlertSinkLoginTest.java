package io.vigil.job.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MosquittoAccess;
import io.vigil.common.registry.Secrets;
import io.vigil.common.registry.ServiceAccount;
import io.vigil.common.serde.JsonSerde;
import io.vigil.job.JobConfig;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import io.vigil.testing.MqttProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's alert publisher logs in to a Mosquitto that refuses anonymous clients, with its ALERT_PUBLISHER ACL. */
@Tag("servers")
class MqttAlertSinkLoginTest {
    private static final String JOB_PASSWORD = Secrets.newPassword();
    private static final String OFFICER_PASSWORD = Secrets.newPassword();

    @TempDir
    static Path dir;
    static MosquittoServer mosquitto;

    @BeforeAll
    static void start() throws Exception {
        List<Path> access = MosquittoAccess.write(DeviceRegistry.empty(), List.of(
                new ServiceAccount("vigil-job", Secrets.mosquittoHash(JOB_PASSWORD), ServiceAccount.Role.ALERT_PUBLISHER),
                new ServiceAccount("officer", Secrets.mosquittoHash(OFFICER_PASSWORD),
                        ServiceAccount.Role.OFFICER_CONSOLE)), dir.resolve("access"));
        mosquitto = new MosquittoServer(dir.resolve("mosquitto"), FreePorts.tcp()).withAccess(access.get(0), access.get(1));
        mosquitto.start();
    }

    @AfterAll
    static void stop() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void withItsLoginTheJobPublishesAlertsThatOfficersReceive() throws Exception {
        Alert alarm = MqttAlertSinkTest.alert("gauge-3", Phase.ALARM, 1000);
        MqttAlertSink.Writer writer = new MqttAlertSink.Writer(mosquitto.url(), "login-test", new SimpleCounter(),
                new JobConfig.MqttLogin("vigil-job", JOB_PASSWORD), 1);
        try (MqttProbe<Alert> officer = new MqttProbe<>(mosquitto.url(), "officer-probe", "vigil/alerts/#", "officer",
                OFFICER_PASSWORD, JsonSerde.alerts()::fromBytes)) {
            writer.write(alarm, null);
            writer.flush(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> officer.latest().size() == 1);
            assertThat(officer.latest()).containsExactly(Map.entry(MqttAlertSink.topicOf(alarm), alarm));
        } finally {
            writer.close();
        }
    }

    @Test
    void anonymousOrAWrongPasswordIsRefused() {
        assertThatThrownBy(() -> new MqttAlertSink.Writer(mosquitto.url(), "anonymous", new SimpleCounter()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new MqttAlertSink.Writer(mosquitto.url(), "wrong", new SimpleCounter(),
                new JobConfig.MqttLogin("vigil-job", "not-it"), 1)).isInstanceOf(IOException.class);
    }
}

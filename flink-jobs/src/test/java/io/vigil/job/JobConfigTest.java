package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Topics;
import io.vigil.common.config.InvalidConfigFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDeclaredOnesAndPointAtTheLocalStack() {
        JobConfig c = JobConfig.defaults();
        for (JobOption<?> option : JobOptions.all()) {
            assertThat((Object) c.get(option)).as(option.flag()).isEqualTo(option.defaultValue());
        }
        assertThat(c.get(JobOptions.KAFKA)).isEqualTo("127.0.0.1:9092");
        assertThat(c.get(JobOptions.READINGS_TOPIC)).isEqualTo(Topics.READINGS);
        assertThat(c.get(JobOptions.ALERTS_TOPIC)).isEqualTo(Topics.ALERTS);
        assertThat(c.get(JobOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.get(JobOptions.WEB_UI_PORT)).isEqualTo(8081);
        assertThat(c.get(JobOptions.SITE)).as("no RFID pipeline unless asked").isNull();
        assertThat(c.get(JobOptions.TAG_READS_TOPIC)).isEqualTo(Topics.TAGREADS);
        assertThat(c.get(JobOptions.SETTLE)).as("the plain subscription keeps order: judged on arrival").isZero();
        assertThat(c.mqttLogin()).as("anonymous by default").isNull();
    }

    @Test
    void everyOptionIsDeclaredOnceWithACommandLineNameAndADescription() {
        Set<String> names = new HashSet<>();
        for (JobOption<?> option : JobOptions.all()) {
            assertThat(option.name()).matches("[a-z][a-z0-9-]*");
            assertThat(names.add(option.name())).as(option.flag()).isTrue();
            assertThat(option.description()).as(option.flag()).isNotBlank().endsWith(".");
            assertThat(JobOptions.named(option.name())).isSameAs(option);
        }
        assertThat(JobOptions.named("no-such-option")).isNull();
    }

    @Test
    void everyOptionIsDocumentedWhereUsersLookForIt() throws Exception {
        String deploy = Files.readString(Path.of("..", "docs", "deploy.md"));
        for (JobOption<?> option : JobOptions.all()) {
            assertThat(deploy).as(option.flag() + " in docs/deploy.md").contains("`" + option.flag() + "`");
        }
    }

    @Test
    void aSettingChangesOnlyItselfAndEqualConfigsAreEqual() {
        JobConfig c = JobConfig.defaults().with(JobOptions.SETTLE, Duration.ofMillis(100));
        assertThat(c.get(JobOptions.SETTLE)).isEqualTo(Duration.ofMillis(100));
        assertThat(JobConfig.defaults().get(JobOptions.SETTLE)).as("defaults unchanged").isZero();
        assertThat(c).isEqualTo(JobConfig.defaults().with(JobOptions.SETTLE, Duration.ofMillis(100)))
                .isNotEqualTo(JobConfig.defaults());
        assertThat(c.toString()).isEqualTo("JobConfig[settle=100ms]");
        assertThat(c.with(JobOptions.SETTLE, Duration.ZERO)).isEqualTo(JobConfig.defaults());
    }

    @Test
    void invalidValuesAreRefusedWhenSetNamingTheOption() {
        JobConfig c = JobConfig.defaults();
        assertThatThrownBy(() -> c.with(JobOptions.INFLUX_URL, "127.0.0.1:8086"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("job option --influx-url: ");
        assertThatThrownBy(() -> c.with(JobOptions.MQTT_URL, "http://127.0.0.1:1883"))
                .hasMessage("job option --mqtt-url: \"http://127.0.0.1:1883\" must start with one of [tcp, ssl, ws, wss]://");
        assertThatThrownBy(() -> c.with(JobOptions.WEB_UI_PORT, 70000))
                .hasMessage("job option --web-ui-port: 70000 is not within 0..65535");
        assertThatThrownBy(() -> c.with(JobOptions.IDLENESS, Duration.ZERO))
                .hasMessage("job option --idleness: 0ms must be at least 1ms");
        assertThatThrownBy(() -> c.with(JobOptions.CONSUMER_GROUP, " "))
                .hasMessage("job option --consumer-group: must not be empty");
        assertThatThrownBy(() -> c.with(JobOptions.METRICS_INFLUX_URL, "127.0.0.1:8086"))
                .hasMessageStartingWith("job option --metrics-influx-url: ");
        assertThatThrownBy(() -> c.with(JobOptions.METRICS_INTERVAL, Duration.ofMillis(5)))
                .hasMessage("job option --metrics-interval: 5ms must be at least 1s");
        assertThatThrownBy(() -> c.with(JobOptions.BUFFER_TIMEOUT, Duration.ofMillis(-1)))
                .hasMessage("job option --buffer-timeout: PT-0.001S must be at least 0ms");
        assertThatThrownBy(() -> c.with(JobOptions.SETTLE, Duration.ofMillis(-1)))
                .hasMessageStartingWith("job option --settle: ");
        assertThatThrownBy(() -> c.with(JobOptions.TAG_READS_TOPIC, ""))
                .hasMessage("job option --tag-reads-topic: must not be empty");
        assertThatThrownBy(() -> c.with(JobOptions.PARALLELISM, 0))
                .hasMessage("job option --parallelism: 0 is not within 1..2147483647");
        assertThatThrownBy(() -> c.with(JobOptions.CHECKPOINT_INTERVAL, null))
                .hasMessage("job option --checkpoint-interval: must be set (default 2s)");
        assertThat(c.with(JobOptions.ALERTMANAGER_URL, "http://am:9093").with(JobOptions.ALERTMANAGER_URL, null))
                .as("an option that is off by default can be turned off again").isEqualTo(c);
    }

    @Test
    void textIsReadByTheOptionsOwnGrammarNamingTheOption() {
        assertThat(JobOptions.SETTLE.read("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(JobOptions.CHECKPOINT_INTERVAL.read("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(JobOptions.PARALLELISM.read(" 4 ")).isEqualTo(4);
        assertThatThrownBy(() -> JobOptions.SETTLE.read("soon"))
                .hasMessage("job option --settle: expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"soon\"");
        assertThatThrownBy(() -> JobOptions.PARALLELISM.read("two"))
                .hasMessage("job option --parallelism: expected a whole number, got \"two\"");
        assertThatThrownBy(() -> JobOptions.CHECKPOINT_INTERVAL.read("1ms"))
                .hasMessage("job option --checkpoint-interval: 1ms must be at least 10ms");
        for (JobOption<?> option : JobOptions.all()) {
            if (option.defaultValue() != null) {
                assertReadsBackWhatItWrites(option);
            }
        }
    }

    private static <T> void assertReadsBackWhatItWrites(JobOption<T> option) {
        assertThat(option.read(option.write(option.defaultValue()))).as(option.flag()).isEqualTo(option.defaultValue());
    }

    @Test
    void theAlertPublishersLoginComesFromItsPasswordFileAndStaysOutOfLogs() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("job.password"), "s3cret\nignored\n");
        JobConfig c = JobConfig.defaults().with(JobOptions.MQTT_USER, "vigil-job")
                .with(JobOptions.MQTT_PASSWORD_FILE, passwordFile);
        assertThat(c.mqttLogin()).isEqualTo(new JobConfig.MqttLogin("vigil-job", "s3cret"));
        assertThat(c.toString()).contains("vigil-job").doesNotContain("s3cret");
        assertThat(c.mqttLogin().toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> JobConfig.defaults().with(JobOptions.MQTT_USER, "vigil-job").mqttLogin())
                .hasMessage("job option --mqtt-user: needs --mqtt-password-file");
        assertThatThrownBy(() -> JobConfig.defaults().with(JobOptions.MQTT_PASSWORD_FILE, passwordFile).mqttLogin())
                .hasMessage("job option --mqtt-password-file: needs --mqtt-user");
        assertThatThrownBy(() -> new JobConfig.MqttLogin(" ", "x")).hasMessageContaining("mqttLogin");
    }

    @Test
    void anInvalidRulesFileStopsStartUp() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - id: x\n    metric: level\n    threshold: {above: high}\n");
        JobConfig config = JobConfig.defaults().with(JobOptions.RULES, rules)
                .with(JobOptions.CHECKPOINT_DIR, dir.resolve("chk"));
        assertThatThrownBy(() -> JobApplication.start(config))
                .isInstanceOf(InvalidConfigFileException.class)
                .hasMessage(rules + ":4: rules[0].threshold.above: expected a number, got \"high\"");
    }

    @Test
    void anInvalidSiteFileStopsStartUpNamingFileLineAndField() throws Exception {
        Path site = dir.resolve("site.yaml");
        Files.writeString(site, "site: s\nzones:\n  - {id: plaza, capacity: many}\n");
        JobConfig config = JobConfig.defaults().with(JobOptions.RULES, Path.of("..", "config", "rules.yaml"))
                .with(JobOptions.SITE, site).with(JobOptions.CHECKPOINT_DIR, dir.resolve("chk"));
        assertThatThrownBy(() -> JobApplication.start(config))
                .isInstanceOf(InvalidConfigFileException.class)
                .hasMessageStartingWith(site + ":3: zones[0].capacity: ");
    }
}

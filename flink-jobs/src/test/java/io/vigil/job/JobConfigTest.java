package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Topics;
import io.vigil.common.config.InvalidConfigFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("servers")
class JobConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreValidAndPointAtTheLocalStack() {
        JobConfig c = JobConfig.defaults().validate();
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(c.readingsTopic()).isEqualTo(Topics.READINGS);
        assertThat(c.alertsTopic()).isEqualTo(Topics.ALERTS);
        assertThat(c.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.webUiPort()).isEqualTo(8081);
        assertThat(c.siteFile()).isNull();
        assertThat(c.tagReadsTopic()).isEqualTo(Topics.TAGREADS);
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void theAlertPublishersMqttLoginKeepsItsPasswordOutOfLogs() {
        JobConfig c = JobConfig.defaults().toBuilder().mqttLogin(new JobConfig.MqttLogin("vigil-job", "s3cret")).build();
        assertThat(c.validate().mqttLogin().password()).isEqualTo("s3cret");
        assertThat(c.toString()).contains("vigil-job").doesNotContain("s3cret");
        assertThat(JobConfig.defaults().mqttLogin()).isNull();
        assertThatThrownBy(() -> new JobConfig.MqttLogin(" ", "x")).hasMessageContaining("mqttLogin");
    }

    @Test
    void invalidFieldsAreNamed() {
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().influxUrl("127.0.0.1:8086").build().validate())
                .hasMessageStartingWith("job config: influxUrl: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().mqttUrl("http://127.0.0.1:1883").build().validate())
                .hasMessageStartingWith("job config: mqttUrl: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().webUiPort(70000).build().validate())
                .hasMessageStartingWith("job config: webUiPort: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().idleness(Duration.ZERO).build().validate())
                .hasMessageStartingWith("job config: idleness: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().consumerGroup(" ").build().validate())
                .hasMessage("job config: consumerGroup: must not be empty");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().metricsInfluxUrl("127.0.0.1:8086").build().validate())
                .hasMessageStartingWith("job config: metricsInfluxUrl: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().metricsInterval(Duration.ofMillis(5)).build().validate())
                .hasMessageStartingWith("job config: metricsInterval: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().bufferTimeout(Duration.ofMillis(-1)).build().validate())
                .hasMessageStartingWith("job config: bufferTimeout: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().settle(Duration.ofMillis(-1)).build().validate())
                .hasMessageStartingWith("job config: settle: ");
        assertThatThrownBy(() -> JobConfig.defaults().toBuilder().tagReadsTopic("").build().validate())
                .hasMessage("job config: tagReadsTopic: must not be empty");
    }

    @Test
    void anInvalidRulesFileStopsStartUp() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - id: x\n    metric: level\n    threshold: {above: high}\n");
        JobConfig config = JobConfig.defaults().toBuilder().rulesFile(rules).checkpointDir(dir.resolve("chk")).build();
        assertThatThrownBy(() -> JobApplication.start(config))
                .isInstanceOf(InvalidConfigFileException.class)
                .hasMessage(rules + ":4: rules[0].threshold.above: expected a number, got \"high\"");
    }

    @Test
    void anInvalidSiteFileStopsStartUpNamingFileLineAndField() throws Exception {
        Path site = dir.resolve("site.yaml");
        Files.writeString(site, "site: s\nzones:\n  - {id: plaza, capacity: many}\n");
        JobConfig config = JobConfig.defaults().toBuilder().rulesFile(Path.of("..", "config", "rules.yaml"))
                .siteFile(site).checkpointDir(dir.resolve("chk")).build();
        assertThatThrownBy(() -> JobApplication.start(config))
                .isInstanceOf(InvalidConfigFileException.class)
                .hasMessageStartingWith(site + ":3: zones[0].capacity: ");
    }
}

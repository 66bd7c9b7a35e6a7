package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Program arguments of the job on a Flink cluster become a JobConfig through the options' declarations, or a clear error. */
class ClusterJobTest {
    @Test
    void argumentsOverrideTheDefaultsAndTheRestKeepThem() {
        JobConfig c = ClusterJob.config(new String[] {"--kafka", "k1:9092,k2:9092", "--influx-url", "http://influx:8086",
                "--rules", "/etc/vigil/rules.yaml", "--parallelism", "4", "--checkpoint-interval", "500ms",
                "--out-of-orderness", "2s", "--consumer-group", "vigil-prod", "--buffer-timeout", "5ms",
                "--settle", "100ms", "--mqtt-user", "vigil-job", "--mqtt-password-file", "/etc/vigil/job.password"}, 1);
        assertThat(c.get(JobOptions.KAFKA)).isEqualTo("k1:9092,k2:9092");
        assertThat(c.get(JobOptions.INFLUX_URL)).isEqualTo("http://influx:8086");
        assertThat(c.get(JobOptions.RULES)).isEqualTo(Path.of("/etc/vigil/rules.yaml"));
        assertThat(c.get(JobOptions.PARALLELISM)).isEqualTo(4);
        assertThat(c.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.get(JobOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.get(JobOptions.CONSUMER_GROUP)).isEqualTo("vigil-prod");
        assertThat(c.get(JobOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(5));
        assertThat(c.get(JobOptions.SETTLE)).as("gateways on a shared subscription").isEqualTo(Duration.ofMillis(100));
        assertThat(c.get(JobOptions.MQTT_USER)).isEqualTo("vigil-job");
        assertThat(c.get(JobOptions.MQTT_PASSWORD_FILE)).isEqualTo(Path.of("/etc/vigil/job.password"));
        assertThat(c.get(JobOptions.MQTT_URL)).isEqualTo(JobConfig.defaults().get(JobOptions.MQTT_URL));
    }

    @Test
    void withoutParallelismTheSubmittersOrClustersDefaultHolds() {
        assertThat(ClusterJob.config(new String[0], 3).get(JobOptions.PARALLELISM)).isEqualTo(3);
    }

    @Test
    void aConfigTravelsAsArgumentsAndIsReadBackEqual() {
        JobConfig config = JobConfig.defaults()
                .with(JobOptions.KAFKA, "k1:9092,k2:9092")
                .with(JobOptions.ALERTMANAGER_URL, "https://am.example:9093")
                .with(JobOptions.RULES, Path.of("/etc/vigil/rules.yaml"))
                .with(JobOptions.SITE, Path.of("/etc/vigil/site.yaml"))
                .with(JobOptions.PARALLELISM, 6)
                .with(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(1500))
                .with(JobOptions.ALERTMANAGER_RESEND, Duration.ofMinutes(2))
                .with(JobOptions.SETTLE, Duration.ofMillis(100))
                .with(JobOptions.BUFFER_TIMEOUT, Duration.ZERO)
                .with(JobOptions.INFLUX_BATCH_SIZE, 1000);
        List<String> args = ClusterJob.arguments(config);
        assertThat(args).containsSubsequence("--checkpoint-interval", "1500ms")
                .containsSubsequence("--alertmanager-resend", "2m").containsSubsequence("--buffer-timeout", "0ms")
                .doesNotContain("--mqtt-url", "--web-ui-port");
        assertThat(ClusterJob.config(args.toArray(String[]::new), 1)).isEqualTo(config);
        assertThat(ClusterJob.arguments(JobConfig.defaults())).as("defaults need no arguments").isEmpty();
    }

    @Test
    void everyOptionACommandLineCanGiveTheClusterIsReadByClusterJob() {
        for (JobOption<?> option : JobOptions.all()) {
            String[] args = {option.flag(), sample(option)};
            if (option.scope() == JobOption.Scope.JOB) {
                assertThat((Object) ClusterJob.config(args, 1).get(option)).as(option.flag()).isNotNull();
            } else {
                assertThatThrownBy(() -> ClusterJob.config(args, 1)).as("the cluster's own configuration decides "
                        + option.flag()).hasMessage("job arguments: unknown [" + option.flag() + "]");
            }
        }
    }

    private static <T> String sample(JobOption<T> option) {
        if (option.defaultValue() != null) {
            return option.write(option.defaultValue());
        }
        return switch (option.label()) {
            case "URL" -> "http://host:1";
            case "PORT" -> "9249";
            case "FILE" -> "/etc/vigil/x";
            default -> "x";
        };
    }

    @Test
    void badArgumentsAreRejectedByName() {
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--kafak", "x:1"}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown [--kafak]");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--kafka"}, 1))
                .hasMessageContaining("--kafka needs a value");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"kafka", "x:1"}, 1))
                .hasMessageContaining("expected --name value");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--parallelism", "two"}, 1))
                .hasMessage("job option --parallelism: expected a whole number, got \"two\"");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--checkpoint-interval", "soon"}, 1))
                .hasMessageStartingWith("job option --checkpoint-interval: ").hasMessageContaining("\"soon\"");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--parallelism", "0"}, 1))
                .hasMessageStartingWith("job option --parallelism: ");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--influx-url", "influx:8086"}, 1))
                .hasMessageStartingWith("job option --influx-url: ");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--rules", "a", "--rules", "b"}, 1))
                .hasMessageContaining("given twice");
    }
}

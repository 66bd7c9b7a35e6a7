package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Program arguments of the job on a Flink cluster become a validated JobConfig, or a clear error. */
class ClusterJobTest {
    @Test
    void argumentsOverrideTheDefaultsAndTheRestKeepThem() {
        JobConfig c = ClusterJob.config(new String[] {"--kafka", "k1:9092,k2:9092", "--influx-url", "http://influx:8086",
                "--rules", "/etc/vigil/rules.yaml", "--parallelism", "4", "--checkpoint-interval", "500ms",
                "--out-of-orderness", "2s", "--consumer-group", "vigil-prod", "--buffer-timeout", "5ms",
                "--settle", "100ms"}, 1);
        assertThat(c.kafkaBootstrap()).isEqualTo("k1:9092,k2:9092");
        assertThat(c.influxUrl()).isEqualTo("http://influx:8086");
        assertThat(c.rulesFile()).isEqualTo(Path.of("/etc/vigil/rules.yaml"));
        assertThat(c.parallelism()).isEqualTo(4);
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.consumerGroup()).isEqualTo("vigil-prod");
        assertThat(c.bufferTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(c.settle()).as("gateways on a shared subscription").isEqualTo(Duration.ofMillis(100));
        assertThat(JobConfig.defaults().settle()).as("the plain subscription keeps order: judged on arrival").isZero();
        assertThat(c.mqttUrl()).isEqualTo(JobConfig.defaults().mqttUrl());
        assertThat(c.webUiPort()).as("the cluster serves the web UI").isZero();
    }

    @Test
    void withoutParallelismTheSubmittersOrClustersDefaultHolds() {
        assertThat(ClusterJob.config(new String[0], 3).parallelism()).isEqualTo(3);
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
                .hasMessageContaining("--parallelism two");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--checkpoint-interval", "soon"}, 1))
                .hasMessageContaining("--checkpoint-interval soon");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--parallelism", "0"}, 1))
                .hasMessageContaining("parallelism");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--influx-url", "influx:8086"}, 1))
                .hasMessageContaining("influxUrl");
        assertThatThrownBy(() -> ClusterJob.config(new String[] {"--rules", "a", "--rules", "b"}, 1))
                .hasMessageContaining("given twice");
    }
}

package io.vigil.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.stack.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real standalone session cluster: separate processes, loopback only, found again and stopped by pid file. */
@Tag("servers")
class FlinkClusterTest {
    @TempDir
    Path home;

    @Test
    void startsOneJobManagerAndTwoTaskManagersOnLoopbackAndAnotherJvmCanStopThem() throws Exception {
        ClusterSettings settings = ClusterSettings.defaults(home).withPorts(FreePorts.tcp(), FreePorts.tcp())
                .withTaskManagers(2, 2).withHeartbeatTimeout(Duration.ofSeconds(4));
        try (FlinkCluster cluster = FlinkCluster.owned(settings).start()) {
            // start() returns once both TaskManagers are registered; their slot reports may follow a moment later
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode overview = cluster.rest().overview();
                assertThat(overview.path("taskmanagers").asInt()).isEqualTo(2);
                assertThat(overview.path("slots-total").asInt()).isEqualTo(4);
            });
            assertThat(cluster.rest().taskManagerIds()).containsExactlyInAnyOrder("taskmanager-1", "taskmanager-2");

            Map<String, Long> running = FlinkCluster.runningProcesses(settings);
            assertThat(running).containsOnlyKeys("jobmanager", "taskmanager-1", "taskmanager-2");
            assertThat(running.get("taskmanager-1")).isEqualTo(cluster.pid("taskmanager-1"));
            assertThat(running.values()).doesNotHaveDuplicates().doesNotContain(ProcessHandle.current().pid());
            for (long pid : running.values()) {
                List<String> sockets = ListeningSockets.of(pid);
                assertThat(sockets).as("sockets of pid %d", pid).isNotEmpty()
                        .allMatch(ListeningSockets::loopback, "bound to loopback");
            }
            assertThat(Files.readString(FlinkCluster.logFile(settings, "taskmanager-1"))).contains("TaskManagerRunner");
            assertThatThrownBy(() -> FlinkCluster.owned(settings).start())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already runs");

            // what `bin/vigil cluster stop` does from another JVM: TaskManagers first, then the JobManager
            assertThat(FlinkCluster.stop(settings)).containsExactly("taskmanager-1", "taskmanager-2", "jobmanager");
            for (long pid : running.values()) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
            }
            assertThat(FlinkCluster.runningProcesses(settings)).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.rest().isUp());
        }
    }

    @Test
    void aStalePidFileNamingAnotherProcessIsIgnored() throws Exception {
        ClusterSettings settings = ClusterSettings.defaults(home);
        Files.createDirectories(home.resolve("run"));
        Files.writeString(home.resolve("run").resolve("jobmanager.pid"), Long.toString(ProcessHandle.current().pid()));
        assertThat(FlinkCluster.runningProcesses(settings)).isEmpty();
        assertThat(FlinkCluster.stop(settings)).isEmpty();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }
}

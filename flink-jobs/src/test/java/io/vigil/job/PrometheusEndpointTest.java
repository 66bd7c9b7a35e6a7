package io.vigil.job;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Topics;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus scrapes the job as the launcher runs it (real Kafka, InfluxDB, Mosquitto), on loopback only. */
@Tag("servers")
class PrometheusEndpointTest {
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("stack"), MQTT, INFLUX, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void flinksMetricsAreScrapedFromLoopback() throws Exception {
        int port = FreePorts.tcp();
        JobConfig config = StackJob.config(stack, dir.resolve("checkpoints")).with(JobOptions.PROMETHEUS_PORT, port);
        HttpClient http = HttpClient.newHttpClient();
        try (JobHandle job = JobApplication.start(config)) {
            job.awaitRunning(Duration.ofSeconds(60));

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("flink_jobmanager_numRunningJobs")
                        .containsPattern("flink_taskmanager_job_task_numRecordsIn\\{[^}]*job_name=\"vigil\"");
            });
            assertThat(ListeningSockets.nonLoopback()).as("sockets listening beyond loopback").isEmpty();
        }
    }
}

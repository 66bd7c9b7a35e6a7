package io.vigil.job.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.serde.Json;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Alertmanager writer against a real Alertmanager: transitions, re-sends, resolution, outage. */
class AlertmanagerSinkTest {
    static final long T0 = System.currentTimeMillis() - 60_000;
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("stack"), false, false, false, true).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anIncidentIsActiveWithItsLabelsReSentAndResolvedOnClosed() throws Exception {
        TestProcessingTimeService time = new TestProcessingTimeService();
        String id = "river-level-high:gauge-1:water_level:" + T0;
        AlertmanagerWriter writer = writer(time, List.of());

        writer.write(alert(id, Phase.PRE_WARNING, "warning", T0, 0), null);
        writer.flush(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(id).size() == 1);
        assertThat(active(id).get(0).path("labels").path("phase").asText()).isEqualTo("PRE_WARNING");

        writer.write(alert(id, Phase.ALARM, "critical", T0 + 5000, 0), null);
        writer.flush(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(id).size() == 1
                && active(id).get(0).path("labels").path("phase").asText().equals("ALARM"));
        JsonNode alarm = active(id).get(0);
        assertThat(alarm.path("labels").path("alertname").asText()).isEqualTo("river-level-high");
        assertThat(alarm.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(alarm.path("labels").path("zone").asText()).isEqualTo("river-north");
        assertThat(alarm.path("labels").path("site").asText()).isEqualTo("delta");
        assertThat(alarm.path("labels").path("department").asText()).isEqualTo("water-authority");
        assertThat(alarm.path("labels").path("escalation").asText()).isEqualTo("0");
        assertThat(alarm.path("annotations").path("description").asText()).isEqualTo("gauge-1 reads 4.3 m, limit 4.0 m");
        assertThat(alarm.path("startsAt").asText()).isEqualTo(java.time.Instant.ofEpochMilli(T0).toString());
        assertThat(writer.snapshotState(1)).extracting(Alert::phase).containsExactly(Phase.ALARM);

        String updated = alarm.path("updatedAt").asText();
        time.advance(60_000); // the re-send timer posts the active incident again
        await().atMost(Duration.ofSeconds(10)).until(() -> !active(id).get(0).path("updatedAt").asText().equals(updated));

        writer.write(alert(id, Phase.CLOSED, "critical", T0 + 30_000, 0), null);
        writer.flush(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(id).isEmpty());
        assertThat(writer.activeCount()).isZero();
    }

    @Test
    void aRestoredWriterKeepsReSendingTheActiveIncidents() throws Exception {
        TestProcessingTimeService time = new TestProcessingTimeService();
        String id = "river-level-high:gauge-2:water_level:" + T0;
        AlertmanagerWriter writer = writer(time, List.of(alert(id, Phase.ALARM, "critical", T0 + 5000, 2)));
        assertThat(active(id)).isEmpty();
        time.advance(60_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(id).size() == 1);
        assertThat(active(id).get(0).path("labels").path("escalation").asText()).isEqualTo("2");
        writer.write(alert(id, Phase.CLOSED, "critical", T0 + 6000, 2), null);
        writer.flush(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(id).isEmpty());
    }

    @Test
    void anUnreachableAlertmanagerIsRetriedThenFailsTheTask() throws Exception {
        SimpleCounter errors = new SimpleCounter();
        AlertmanagerWriter writer = new AlertmanagerWriter("http://127.0.0.1:" + FreePorts.tcp(), Duration.ofMinutes(1),
                Duration.ofMillis(500), new TestProcessingTimeService(), errors, List.of());
        writer.write(alert("r:d:m:1", Phase.ALARM, "critical", T0, 0), null);
        assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class).hasMessageContaining("still failing");
        assertThat(errors.getCount()).as("attempts").isGreaterThan(1);
    }

    static AlertmanagerWriter writer(TestProcessingTimeService time, List<Alert> restored) {
        return new AlertmanagerWriter(stack.alertmanager.url(), Duration.ofMinutes(1), Duration.ofSeconds(10), time,
                new SimpleCounter(), restored);
    }

    static List<JsonNode> active(String incident) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stack.alertmanager.url() + "/api/v2/alerts")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode a : Json.mapper().readTree(r.body())) {
            if (a.path("labels").path("incident").asText().equals(incident)
                    && a.path("status").path("state").asText().equals("active")) {
                out.add(a);
            }
        }
        return out;
    }

    static Alert alert(String id, Phase phase, String severity, long t, int escalation) {
        return new Alert(id, "river-level-high", "gauge-1", "delta", "river-north", "water_level", phase, severity,
                4.3, 4.0, t, T0, "River level high at river-north", "gauge-1 reads 4.3 m, limit 4.0 m",
                "water-authority", null, null, escalation, null);
    }
}

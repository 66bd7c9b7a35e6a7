package io.vigil.job.alertmanager;

import static io.vigil.stack.LocalStack.Server.ALERTMANAGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.serde.Json;
import io.vigil.job.http.TaskThread;
import io.vigil.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Alertmanager writer against a real Alertmanager: transitions, re-sends, resolution, outage, restore. */
@Tag("servers")
class AlertmanagerSinkTest {
    static final long T0 = System.currentTimeMillis() - 60_000;
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String ERRORS = "alertmanagerErrors";
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("stack"), ALERTMANAGER).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anIncidentIsActiveWithItsLabelsReSentAndResolvedOnClosed() throws Exception {
        try (TaskThread task = new TaskThread()) {
            String id = "river-level-high:gauge-1:water_level:" + T0;
            AlertmanagerWriter writer = writer(task, Duration.ofSeconds(2), List.of());

            writer.write(alert(id, Phase.PRE_WARNING, "warning", T0, 0), null);
            writer.flush(false);
            task.runUntil(() -> active(id).size() == 1, WAIT);
            assertThat(active(id).get(0).path("labels").path("phase").asText()).isEqualTo("PRE_WARNING");

            writer.write(alert(id, Phase.ALARM, "critical", T0 + 5000, 0), null);
            writer.flush(false);
            task.runUntil(() -> active(id).size() == 1
                    && active(id).get(0).path("labels").path("phase").asText().equals("ALARM"), WAIT);
            JsonNode alarm = active(id).get(0);
            assertThat(alarm.path("labels").path("alertname").asText()).isEqualTo("river-level-high");
            assertThat(alarm.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(alarm.path("labels").path("zone").asText()).isEqualTo("river-north");
            assertThat(alarm.path("labels").path("site").asText()).isEqualTo("delta");
            assertThat(alarm.path("labels").path("department").asText()).isEqualTo("water-authority");
            assertThat(alarm.path("labels").path("escalation").asText()).isEqualTo("0");
            assertThat(alarm.path("annotations").path("description").asText()).isEqualTo("gauge-1 reads 4.3 m, limit 4.0 m");
            assertThat(alarm.path("startsAt").asText()).isEqualTo(java.time.Instant.ofEpochMilli(T0).toString());
            assertThat(writer.snapshotState(1)).filteredOn(st -> st.kind() == AlertmanagerState.Kind.ACTIVE)
                    .extracting(st -> st.alert().phase()).containsExactly(Phase.ALARM);

            String updated = alarm.path("updatedAt").asText();
            // the re-send timer posts the active incident again
            task.runUntil(() -> !active(id).get(0).path("updatedAt").asText().equals(updated), WAIT);

            writer.write(alert(id, Phase.CLOSED, "critical", T0 + 30_000, 0), null);
            writer.flush(false);
            task.runUntil(() -> active(id).isEmpty(), WAIT);
            assertThat(writer.activeCount()).isZero();
        }
    }

    @Test
    void aRestoredWriterKeepsReSendingTheActiveIncidentsAndDeliversWhatItHadNotSent() throws Exception {
        try (TaskThread task = new TaskThread()) {
            String id = "river-level-high:gauge-2:water_level:" + T0;
            String unsentId = "river-level-high:gauge-4:water_level:" + T0;
            AlertmanagerWriter writer = writer(task, Duration.ofSeconds(2), List.of(
                    AlertmanagerState.active(alert(id, Phase.ALARM, "critical", T0 + 5000, 2)),
                    AlertmanagerState.unsent(alert(unsentId, Phase.ALARM, "critical", T0 + 5000, 0), null)));
            assertThat(active(id)).isEmpty();
            task.runUntil(() -> active(unsentId).size() == 1 && writer.unsentCount() == 0, WAIT);
            task.runUntil(() -> active(id).size() == 1, WAIT); // re-sent after the resend interval
            assertThat(active(id).get(0).path("labels").path("escalation").asText()).isEqualTo("2");
            writer.write(alert(id, Phase.CLOSED, "critical", T0 + 6000, 2), null);
            writer.flush(false);
            task.runUntil(() -> active(id).isEmpty(), WAIT);
        }
    }

    @Test
    void whileAlertmanagerIsDownFlushesDoNotWaitAndTheNoticesArriveOnceItIsBack() throws Exception {
        try (TaskThread task = new TaskThread()) {
            String id = "river-level-high:gauge-3:water_level:" + T0;
            AlertmanagerWriter writer = writer(task, Duration.ofMinutes(1), List.of());
            stack.alertmanager.close();
            try {
                writer.write(alert(id, Phase.PRE_WARNING, "warning", T0, 0), null);
                writer.write(alert(id, Phase.ALARM, "critical", T0 + 5000, 0), null);
                writer.flush(false);
                writer.flush(false);
                assertThat(writer.snapshotState(1)).extracting(AlertmanagerState::kind, st -> st.alert().phase())
                        .containsExactly(tuple(AlertmanagerState.Kind.ACTIVE, Phase.ALARM),
                                tuple(AlertmanagerState.Kind.UNSENT, Phase.PRE_WARNING),
                                tuple(AlertmanagerState.Kind.UNSENT, Phase.ALARM));
                task.runUntil(() -> task.count(ERRORS) >= 2, WAIT); // refused, and refused again after a backoff
                assertThat(writer.unsentCount()).isEqualTo(2);
            } finally {
                stack.alertmanager.start();
            }
            task.runUntil(() -> active(id).size() == 1
                    && active(id).get(0).path("labels").path("phase").asText().equals("ALARM"), WAIT);
            task.runUntil(() -> writer.unsentCount() == 0, WAIT);
        }
    }

    @Test
    void theStateOfEarlierVersionsStillRestores() throws Exception {
        var serializer = new AlertmanagerSink("http://127.0.0.1:9093", Duration.ofMinutes(1)).getWriterStateSerializer();
        Alert alarm = alert("r:d:m:1", Phase.ALARM, "critical", T0, 0);
        assertThat(serializer.deserialize(1, io.vigil.common.serde.JsonSerde.alerts().toBytes(alarm)))
                .isEqualTo(AlertmanagerState.active(alarm));
        AlertmanagerState unsent = AlertmanagerState.unsent(alarm, T0 + 1);
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(unsent))).isEqualTo(unsent);
    }

    static AlertmanagerWriter writer(TaskThread task, Duration resend, List<AlertmanagerState> restored) {
        return new AlertmanagerWriter(stack.alertmanager.url(), resend, task.getMailboxExecutor(),
                task.getProcessingTimeService(), task.metricGroup().counter(ERRORS), restored);
    }

    static List<JsonNode> active(String incident) {
        try {
            return activeIn(incident);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> activeIn(String incident) throws Exception {
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

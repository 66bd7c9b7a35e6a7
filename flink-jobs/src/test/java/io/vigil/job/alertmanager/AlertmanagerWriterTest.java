package io.vigil.job.alertmanager;

import static io.vigil.job.alertmanager.AlertmanagerSinkTest.T0;
import static io.vigil.job.alertmanager.AlertmanagerSinkTest.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vigil.common.Phase;
import io.vigil.job.http.ScriptedHttpServer;
import io.vigil.job.http.ScriptedHttpServer.Request;
import io.vigil.job.http.TaskThread;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Alertmanager writer against a scripted HTTP server: what each answer does, and that nothing waits on it. */
class AlertmanagerWriterTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    ScriptedHttpServer alertmanager;

    @BeforeEach
    void start() throws Exception {
        alertmanager = new ScriptedHttpServer("/api/v2/alerts");
    }

    @AfterEach
    void stop() {
        alertmanager.close();
    }

    @Test
    void aCheckpointDoesNotWaitForAlertmanagerAndWhatItHasNotTakenStaysInTheState() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (TaskThread task = new TaskThread()) {
                AlertmanagerWriter writer = writer(task);
                alertmanager.answer(ScriptedHttpServer.HOLD);
                writer.write(alert("r:gauge-1:m:1", Phase.ALARM, "critical", T0, 0), null);
                writer.flush(false); // the request goes out and is held unanswered
                task.runUntil(() -> !writer.idle(), WAIT);
                writer.write(alert("r:gauge-2:m:1", Phase.ALARM, "critical", T0, 0), null);
                writer.flush(false);
                assertThat(writer.snapshotState(1)).as("the notice in flight is in the checkpoint too")
                        .filteredOn(st -> st.kind() == AlertmanagerState.Kind.UNSENT).hasSize(2);

                alertmanager.release(503);
                task.runUntil(() -> writer.unsentCount() == 0, WAIT);
                List<Request> posts = alertmanager.requests();
                assertThat(posts).extracting(Request::status).containsExactly(503, 204);
                assertThat(posts.get(1).body()).contains("gauge-1", "gauge-2");
                assertThat(posts.get(1).at() - posts.get(0).at()).isGreaterThanOrEqualTo(
                        AlertmanagerWriter.RETRY.after(1).toMillis());
                assertThat(task.count(AlertmanagerSinkTest.ERRORS)).isEqualTo(1);
            }
        });
    }

    @Test
    void throttlingIsRetriedWithAGrowingBackoff() throws Exception {
        try (TaskThread task = new TaskThread()) {
            AlertmanagerWriter writer = writer(task);
            alertmanager.answer(429, 500);
            writer.write(alert("r:gauge-1:m:1", Phase.PRE_WARNING, "warning", T0, 0), null);
            writer.flush(false);
            task.runUntil(() -> writer.unsentCount() == 0, WAIT);
            List<Request> posts = alertmanager.requests();
            assertThat(posts).extracting(Request::status).containsExactly(429, 500, 204);
            assertThat(posts.get(2).at() - posts.get(1).at()).isGreaterThanOrEqualTo(
                    AlertmanagerWriter.RETRY.after(2).toMillis());
        }
    }

    @Test
    void aRequestAlertmanagerRefusesIsDroppedAndCountedAndTheNextNoticesStillGo() throws Exception {
        try (TaskThread task = new TaskThread()) {
            AlertmanagerWriter writer = writer(task);
            alertmanager.answer(400);
            writer.write(alert("r:gauge-1:m:1", Phase.PRE_WARNING, "warning", T0, 0), null);
            writer.flush(false);
            task.runUntil(() -> writer.unsentCount() == 0 && writer.idle(), WAIT);
            assertThat(task.count(AlertmanagerSinkTest.ERRORS)).isEqualTo(1);

            writer.write(alert("r:gauge-2:m:1", Phase.ALARM, "critical", T0 + 1, 0), null);
            writer.flush(false);
            task.runUntil(() -> alertmanager.requests().size() == 2 && writer.unsentCount() == 0, WAIT);
            assertThat(alertmanager.requests()).extracting(Request::status).containsExactly(400, 204);
            assertThat(alertmanager.requests().get(1).body()).contains("\"ALARM\"").doesNotContain("PRE_WARNING");
        }
    }

    AlertmanagerWriter writer(TaskThread task) {
        return new AlertmanagerWriter(alertmanager.url(), Duration.ofMinutes(1), task.getMailboxExecutor(),
                task.getProcessingTimeService(), task.metricGroup().counter(AlertmanagerSinkTest.ERRORS), List.of());
    }
}

package io.vigil.app.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Phase;
import io.vigil.common.serde.Json;
import io.vigil.sim.Simulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alertmanager is down from before the flood gauge's alarm until the alarm is on {@code vigil.alerts}. Alertmanager
 * only routes notifications: while it is away the job must go on storing readings and committing transitions (the
 * system of record, the sirens on MQTT), keep what Alertmanager has not taken, and deliver it when it is back;
 * Alertmanager keeps alerts in memory only, so they must be sent again after its restart.
 */
@Tag("servers")
class AlertmanagerOutageTest {
    private static final String FLEET = "amdown-";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void alertsHeldWhileAlertmanagerIsDownArriveWhenItIsBackAndNothingElseWaits() throws Exception {
        try (LivePipeline pipeline = LivePipeline.start(dir, LivePipeline.Setup.inProcess())) {
            Simulator load = pipeline.startLoad(FLEET);
            LivePipeline.awaitLoadAt(load, Duration.ofSeconds(2));
            pipeline.stack.alertmanager.close();

            await().atMost(LivePipeline.PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> pipeline
                    .transitions(FLEET).stream().anyMatch(t -> t.phase() == Phase.ALARM));
            String incident = pipeline.transitions(FLEET).get(0).incidentId();
            pipeline.stack.alertmanager.start();

            await().atMost(LivePipeline.PATIENCE).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(activePhases(pipeline, incident)).containsAnyOf("ALARM", "RECOVERING"));
            pipeline.assertEveryReadingStoredOnceAndTheIncidentExact(load, FLEET);
            // CLOSED resolves every label set the incident had
            await().atMost(LivePipeline.PATIENCE).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(activePhases(pipeline, incident)).isEmpty());
        }
    }

    /** The phases of the incident's alerts Alertmanager holds as active (it leaves resolved ones out). */
    private static List<String> activePhases(LivePipeline pipeline, String incident) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.stack.alertmanager.url()
                + "/api/v2/alerts")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> phases = new ArrayList<>();
        for (JsonNode alert : Json.mapper().readTree(r.body())) {
            if (incident.equals(alert.path("labels").path("incident").asText())) {
                phases.add(alert.path("labels").path("phase").asText());
            }
        }
        return phases;
    }
}

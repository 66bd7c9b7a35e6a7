package io.vigil.job.alertmanager;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.serde.Json;
import io.vigil.job.http.RetryingHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;

/**
 * Alertmanager identifies an alert by its label set, and the labels include {@code phase} and {@code escalation}:
 * each transition therefore ends the previous label set ({@code endsAt} = the transition's time) and starts the
 * new one ({@code startsAt} = the incident's start). CLOSED is sent with {@code endsAt}, so it is resolved at once.
 * Runs on the task thread only (writes, flushes and the re-send timer share the mailbox).
 */
final class AlertmanagerWriter implements StatefulSinkWriter<Alert, Alert> {
    private final URI endpoint;
    private final long resendMs;
    private final ProcessingTimeService time;
    private final RetryingHttp http;
    /** The last alert of every incident not yet CLOSED, by incident id. */
    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final List<ObjectNode> outbox = new ArrayList<>();

    AlertmanagerWriter(String url, Duration resendInterval, Duration retryTimeout, ProcessingTimeService time,
                       Counter errors, Collection<Alert> restored) {
        this.endpoint = URI.create(url.replaceAll("/+$", "") + "/api/v2/alerts");
        this.resendMs = resendInterval.toMillis();
        this.time = time;
        this.http = new RetryingHttp(retryTimeout, errors);
        restored.forEach(a -> active.put(a.incidentId(), a));
        scheduleResend();
    }

    private void scheduleResend() {
        time.registerTimer(time.getCurrentProcessingTime() + resendMs, now -> {
            active.values().forEach(a -> outbox.add(toJson(a, null)));
            post();
            scheduleResend();
        });
    }

    @Override
    public void write(Alert alert, Context context) throws IOException, InterruptedException {
        Alert before = active.remove(alert.incidentId());
        if (before != null && !labels(before).equals(labels(alert))) {
            outbox.add(toJson(before, alert.eventTime()));
        }
        if (alert.phase() == Phase.CLOSED) {
            outbox.add(toJson(alert, alert.eventTime()));
        } else {
            active.put(alert.incidentId(), alert);
            outbox.add(toJson(alert, null));
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        post();
    }

    @Override
    public List<Alert> snapshotState(long checkpointId) {
        return List.copyOf(active.values());
    }

    int activeCount() {
        return active.size();
    }

    private void post() throws IOException, InterruptedException {
        if (outbox.isEmpty()) {
            return;
        }
        ArrayNode body = Json.mapper().createArrayNode().addAll(outbox);
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        http.send("Alertmanager post of " + outbox.size() + " alerts", request,
                failure -> new IOException("Alertmanager refused " + outbox.size() + " alerts: " + failure));
        outbox.clear();
    }

    static Map<String, String> labels(Alert a) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("alertname", a.ruleId());
        l.put("severity", a.severity());
        l.put("zone", a.zone());
        l.put("site", a.site());
        if (a.department() != null) {
            l.put("department", a.department());
        }
        l.put("phase", a.phase().name());
        l.put("incident", a.incidentId());
        l.put("subject", a.subject());
        l.put("escalation", Integer.toString(a.escalation()));
        return l;
    }

    /** One Alertmanager v2 alert; {@code endsAt} null = active (Alertmanager then applies its resolve_timeout). */
    static ObjectNode toJson(Alert a, Long endsAt) {
        ObjectNode n = Json.mapper().createObjectNode();
        ObjectNode labels = n.putObject("labels");
        labels(a).forEach(labels::put);
        ObjectNode ann = n.putObject("annotations");
        ann.put("summary", a.summary());
        ann.put("description", a.description());
        ann.put("value", Double.toString(a.value()));
        ann.put("limit", Double.toString(a.limit()));
        if (a.eta() != null) {
            ann.put("eta", Instant.ofEpochMilli(a.eta()).toString());
        }
        if (a.acknowledgedBy() != null) {
            ann.put("acknowledged_by", a.acknowledgedBy());
        }
        n.put("startsAt", Instant.ofEpochMilli(a.startedAt()).toString());
        if (endsAt != null) {
            n.put("endsAt", Instant.ofEpochMilli(Math.max(endsAt, a.startedAt())).toString());
        }
        return n;
    }

    @Override
    public void close() {
        // unsent alerts belong to an incomplete checkpoint and are replayed
    }
}

package io.vigil.job.alertmanager;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.Alert;
import io.vigil.common.Backoff;
import io.vigil.common.Phase;
import io.vigil.common.serde.Json;
import io.vigil.job.http.AsyncHttp;
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
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager identifies an alert by its label set, and the labels include {@code phase} and {@code escalation}:
 * each transition therefore ends the previous label set ({@code endsAt} = the transition's time) and starts the
 * new one ({@code startsAt} = the incident's start). CLOSED is sent with {@code endsAt}, so it is resolved at once.
 * Runs on the task thread only: writes, flushes, timers and Alertmanager's answers all come through the mailbox.
 *
 * <p>Alertmanager only routes notifications, so it must never hold the job back: a flush (before every checkpoint)
 * starts at most one request and does not wait for it, and what Alertmanager has not taken yet (the request in
 * flight included) stays pending, in the checkpointed state, until a 2xx answer. On 429, 5xx or no answer the
 * pending notices are sent again after a {@link #RETRY} backoff on a timer; another answer means Alertmanager refuses
 * the request itself, so those notices are dropped with an error in the log (the transitions are on
 * {@code vigil.alerts} regardless). Waiting in the sink instead would stall the task, hold every checkpoint and so
 * keep the transitions off {@code vigil.alerts} and the sirens on MQTT for as long as Alertmanager is away.
 * Pending notices are kept newest per label set, so a long outage holds at most one per label set.
 */
final class AlertmanagerWriter implements StatefulSinkWriter<Alert, AlertmanagerState> {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerWriter.class);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Backoff RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
    private final URI endpoint;
    private final long resendMs;
    private final MailboxExecutor mailbox;
    private final ProcessingTimeService time;
    private final Counter errors;
    private final AsyncHttp http = new AsyncHttp(Duration.ofSeconds(2));
    /** The last alert of every incident not yet CLOSED, by incident id. */
    private final Map<String, Alert> active = new LinkedHashMap<>();
    /** What Alertmanager has not taken yet, by label set: the alert and its end (null: active). */
    private final Map<Map<String, String>, AlertmanagerState> unsent = new LinkedHashMap<>();
    /** The notices of the request in flight, null when none is; they stay in {@link #unsent} until answered. */
    private Map<Map<String, String>, AlertmanagerState> sending;
    private int failures;
    private boolean retryScheduled;

    AlertmanagerWriter(String url, Duration resendInterval, MailboxExecutor mailbox, ProcessingTimeService time,
                       Counter errors, Collection<AlertmanagerState> restored) {
        this.endpoint = URI.create(url.replaceAll("/+$", "") + "/api/v2/alerts");
        this.resendMs = resendInterval.toMillis();
        this.mailbox = mailbox;
        this.time = time;
        this.errors = errors;
        for (AlertmanagerState s : restored) {
            if (s.kind() == AlertmanagerState.Kind.ACTIVE) {
                active.put(s.alert().incidentId(), s.alert());
            } else {
                queue(s.alert(), s.endsAt());
            }
        }
        scheduleResend();
        post();
    }

    private void scheduleResend() {
        time.registerTimer(time.getCurrentProcessingTime() + resendMs, now -> {
            active.values().forEach(a -> queue(a, null));
            post();
            scheduleResend();
        });
    }

    private void scheduleRetry() {
        retryScheduled = true;
        time.registerTimer(time.getCurrentProcessingTime() + RETRY.after(failures).toMillis(), now -> {
            retryScheduled = false;
            post();
        });
    }

    @Override
    public void write(Alert alert, Context context) {
        Alert before = active.remove(alert.incidentId());
        if (before != null && !labels(before).equals(labels(alert))) {
            queue(before, alert.eventTime());
        }
        if (alert.phase() == Phase.CLOSED) {
            queue(alert, alert.eventTime());
        } else {
            active.put(alert.incidentId(), alert);
            queue(alert, null);
        }
    }

    private void queue(Alert alert, Long endsAt) {
        Map<String, String> key = labels(alert);
        unsent.remove(key); // re-inserted last: notices go out in the order they were made
        unsent.put(key, AlertmanagerState.unsent(alert, endsAt));
    }

    /** Before a checkpoint: starts a request unless one is in flight or waiting to retry; never waits for it. */
    @Override
    public void flush(boolean endOfInput) {
        post();
    }

    @Override
    public List<AlertmanagerState> snapshotState(long checkpointId) {
        List<AlertmanagerState> state = new ArrayList<>(active.size() + unsent.size());
        active.values().forEach(a -> state.add(AlertmanagerState.active(a)));
        state.addAll(unsent.values());
        return state;
    }

    int activeCount() {
        return active.size();
    }

    int unsentCount() {
        return unsent.size();
    }

    boolean idle() {
        return sending == null;
    }

    private void post() {
        if (unsent.isEmpty() || sending != null || retryScheduled) {
            return;
        }
        sending = new LinkedHashMap<>(unsent);
        ArrayNode body = Json.mapper().createArrayNode();
        sending.values().forEach(n -> body.add(toJson(n.alert(), n.endsAt())));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        int alerts = sending.size();
        http.send(request).thenAccept(answer -> mailbox.execute(() -> answered(answer),
                "Alertmanager answered %d alerts", alerts));
    }

    private void answered(AsyncHttp.Answer answer) {
        Map<Map<String, String>, AlertmanagerState> sent = sending;
        sending = null;
        switch (answer.outcome()) {
            case OK -> {
                sent.forEach(unsent::remove); // only what was sent: a newer notice of a label set stays pending
                failures = 0;
                post();
            }
            case RETRY -> {
                errors.inc();
                failures++;
                LOG.warn("Alertmanager did not take {} alerts ({}); retrying in {} ms", sent.size(), answer.detail(),
                        RETRY.after(failures).toMillis());
                scheduleRetry();
            }
            case FATAL -> {
                // a refusal of the request itself would be refused again: the transitions stay on vigil.alerts
                errors.inc();
                LOG.error("Alertmanager refused {} alerts, dropped: {}", sent.size(), answer.detail());
                sent.forEach(unsent::remove);
                post();
            }
        }
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

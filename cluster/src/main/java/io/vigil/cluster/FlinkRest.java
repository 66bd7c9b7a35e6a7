package io.vigil.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.serde.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The parts of Flink's REST API that Vigil uses: upload and run a job jar, and read a job's state, where its tasks
 * run and its checkpoints. Works against any Flink 2.x cluster, not only the one {@link FlinkCluster} starts.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** True if the REST endpoint answers. */
    public boolean isUp() {
        try {
            get("/overview");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code /overview}: task managers, slots, jobs by state. */
    public JsonNode overview() throws IOException {
        return get("/overview");
    }

    /** Resource ids of the registered TaskManagers. */
    public Set<String> taskManagerIds() throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        get("/taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /** Uploads a job jar ({@code POST /jars/upload}) and returns the id to run it by. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "vigil-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        if (!"success".equals(answer.path("status").asText()) || file.isEmpty()) {
            throw new IOException("Flink did not accept " + jar + ": " + answer);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar ({@code POST /jars/{id}/run}): Flink calls {@code entryClass}'s main with the program
     * arguments, which submits the job. Returns the job id.
     *
     * @param restoreFrom a savepoint or retained checkpoint to start from; state no longer in the job is skipped
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, int parallelism,
                         Optional<String> restoreFrom) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.put("entryClass", entryClass);
        request.putPOJO("programArgsList", programArgs);
        request.put("parallelism", parallelism);
        restoreFrom.ifPresent(path -> request.put("savepointPath", path).put("allowNonRestoredState", true));
        JsonNode answer = send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))));
        String jobId = answer.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IOException("Flink ran " + entryClass + " but returned no job id: " + answer);
        }
        return jobId;
    }

    /** {@code /jobs/{id}}: state, vertices with their task counts. */
    public JsonNode job(String jobId) throws IOException {
        return get("/jobs/" + jobId);
    }

    public String jobState(String jobId) throws IOException {
        return job(jobId).path("state").asText();
    }

    /** Ids of the jobs in the given state (e.g. RUNNING). */
    public List<String> jobs(String state) throws IOException {
        List<String> ids = new ArrayList<>();
        get("/jobs").path("jobs").forEach(j -> {
            if (j.path("status").asText().equals(state)) {
                ids.add(j.path("id").asText());
            }
        });
        return ids;
    }

    /** True if the job is RUNNING and so is every one of its tasks (not only scheduled or deploying). */
    public boolean allTasksRunning(String jobId) throws IOException {
        JsonNode job = job(jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("tasks").path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /** Resource ids of the TaskManagers that run at least one of the job's tasks right now. */
    public Set<String> taskManagersRunning(String jobId) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers")
                    .path("taskmanagers")) {
                if (tm.path("status").asText().equals("RUNNING")) {
                    ids.add(tm.path("taskmanager-id").asText());
                }
            }
        }
        return ids;
    }

    /** {@code /jobs/{id}/checkpoints}: counts (completed, failed, restored) and the latest of each kind. */
    public JsonNode checkpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** Cancels the job; its latest checkpoint stays if the cluster retains checkpoints on cancellation. */
    public void cancel(String jobId) throws IOException {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        HttpResponse<String> r;
        try {
            r = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException("Flink REST " + r.request().method() + " " + r.request().uri() + ": HTTP "
                    + r.statusCode() + " " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }
}

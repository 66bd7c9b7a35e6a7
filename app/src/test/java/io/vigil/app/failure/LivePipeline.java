package io.vigil.app.failure;

import static io.vigil.stack.LocalStack.Server.ALERTMANAGER;
import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.app.ChildJvm;
import io.vigil.app.DemoAccess;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Topics;
import io.vigil.common.serde.Json;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.GatewayApplication;
import io.vigil.gateway.GatewayConfig;
import io.vigil.job.JobApplication;
import io.vigil.job.JobHandle;
import io.vigil.app.LiveJob;
import io.vigil.job.JobOptions;
import org.apache.flink.api.common.JobStatus;
import io.vigil.sim.DeviceCredentials;
import io.vigil.sim.RiverFloodScenario;
import io.vigil.sim.Simulator;
import io.vigil.sim.SimulatorConfig;
import io.vigil.stack.LocalStack;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on real servers for the failure tests: Mosquitto, Kafka, InfluxDB and Alertmanager on free
 * loopback ports, the gateway and the Flink job as child JVMs (so a test can kill -9 them as a crash would), a
 * steady MQTT QoS 1 load from a simulated river-gauge fleet whose flood gauge raises one known incident, and the
 * check every failure test ends with: count what the devices had acknowledged against InfluxDB and the incident
 * transitions on {@code vigil.alerts}.
 */
final class LivePipeline implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(120);
    static final int DEVICES = 20;
    static final double READINGS_PER_SECOND = 200;
    /** The 80 s flood wave in about 27 s: ALARM near 10 s, CLOSED near 25 s of load. */
    static final double TIME_SCALE = 3;
    static final Duration LOAD = Duration.ofSeconds(29);
    static final String RULE = "level-high";
    private static final String RULES = """
            rules:
              - id: level-high
                metric: water_level
                threshold:
                  above: 4.0
                  clear: 3.8
                  for: 2s
                  clear_for: 2s
                severity: critical
                summary: "Level high at {zone}"
                description: "{device} reads {value} {unit}, limit {limit} {unit}"
            """;
    private static final Logger LOG = LoggerFactory.getLogger(LivePipeline.class);
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    final LocalStack stack;
    private final Path dir;
    private final Setup setup;
    /** Registry, broker logins and ACLs when {@link Setup#secured()}; null on an open stack. */
    private final DemoAccess access;
    private final KafkaConsumer<String, byte[]> alertLog;
    private final List<Alert> alerts = new ArrayList<>();
    private ChildJvm jobJvm;
    private JobHandle jobHandle;
    private ChildJvm gatewayJvm;
    private GatewayApplication gatewayApp;

    private LivePipeline(Path dir, LocalStack stack, Setup setup, DemoAccess access) {
        this.dir = dir;
        this.stack = stack;
        this.setup = setup;
        this.access = access;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        // alerts are written in Kafka transactions committed with the job's checkpoints: read what is committed
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.alertLog = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition alertPartition = new TopicPartition(Topics.ALERTS, 0);
        alertLog.assign(List.of(alertPartition));
        alertLog.seekToBeginning(List.of(alertPartition));
    }

    /**
     * How the pipeline runs. A part in its own JVM can be killed with SIGKILL like a crashed process; in-process parts
     * start in well under a second once Flink's classes are loaded, so each test runs in its own JVM only the part
     * it crashes.
     *
     * @param influxRetryTimeout how long the job's sinks retry InfluxDB (and Alertmanager) before it restarts
     * @param secured            as deployed: the broker admits only logins of the demo's registry ({@link DemoAccess},
     *                           with its hand-send device {@value DemoAccess#HAND_DEVICE}), the gateway checks that
     *                           registry; the simulated fleet of {@link #startLoad} is not registered then
     */
    record Setup(boolean jobInOwnJvm, boolean gatewayInOwnJvm, Duration influxRetryTimeout, boolean secured) {
        static Setup inProcess() {
            return new Setup(false, false, Duration.ofSeconds(60), false);
        }

        Setup withJobInOwnJvm() {
            return new Setup(true, gatewayInOwnJvm, influxRetryTimeout, secured);
        }

        Setup withGatewayInOwnJvm() {
            return new Setup(jobInOwnJvm, true, influxRetryTimeout, secured);
        }

        Setup withInfluxRetryTimeout(Duration timeout) {
            return new Setup(jobInOwnJvm, gatewayInOwnJvm, timeout, secured);
        }

        /** Secured, with job and gateway in their own JVMs (started with the command line a deployment uses). */
        Setup securedInOwnJvms() {
            return new Setup(true, true, influxRetryTimeout, true);
        }
    }

    /** Starts the servers, then the job and the gateway, and returns once both serve. */
    static LivePipeline start(Path dir, Setup setup) throws Exception {
        if (setup.secured() && !(setup.jobInOwnJvm() && setup.gatewayInOwnJvm())) {
            throw new IllegalArgumentException("a secured pipeline runs job and gateway in their own JVMs");
        }
        LocalStack stack = LocalStack.onFreePorts(dir.resolve("servers"), MQTT, INFLUX, KAFKA, ALERTMANAGER);
        LivePipeline pipeline = null;
        try {
            DemoAccess access = null;
            if (setup.secured()) {
                access = DemoAccess.prepare(dir.resolve("access"), 1, null);
                stack.mosquitto.withAccess(access.passwordFile, access.aclFile);
            }
            stack.start();
            stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT);
            Files.writeString(dir.resolve("rules.yaml"), RULES);
            pipeline = new LivePipeline(dir, stack, setup, access);
            pipeline.startJob();
            pipeline.startGateway();
            pipeline.awaitJobRunning();
            return pipeline;
        } catch (Exception | AssertionError e) {
            if (pipeline != null) {
                pipeline.close();
            } else {
                stack.close();
            }
            throw e;
        }
    }

    /** Starts the job; a restart restores the latest retained checkpoint (see {@link #jobLog()}). */
    void startJob() throws Exception {
        if (!setup.jobInOwnJvm()) {
            jobHandle = JobApplication.start(LiveJob.config(stack, dir, Duration.ofSeconds(1))
                    .with(JobOptions.ALERTMANAGER_URL, stack.alertmanager.url())
                    .with(JobOptions.RULES, dir.resolve("rules.yaml"))
                    .with(JobOptions.INFLUX_RETRY_TIMEOUT, setup.influxRetryTimeout()));
            return;
        }
        List<String> args = new ArrayList<>(List.of("job",
                "--kafka", stack.kafka.bootstrapServers(), "--influx-url", stack.influx.url(),
                "--alertmanager-url", stack.alertmanager.url(), "--mqtt-url", stack.mosquitto.url(),
                "--rules", dir.resolve("rules.yaml").toString(),
                "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--web-ui-port", "0",
                "--out-of-orderness", "1s", "--checkpoint-interval", "1s",
                "--influx-retry-timeout", setup.influxRetryTimeout().toMillis() + "ms"));
        if (access != null) {
            args.addAll(List.of("--mqtt-user", DemoAccess.JOB_USER,
                    "--mqtt-password-file", access.jobPasswordFile.toString()));
        }
        jobJvm = ChildJvm.start("job", "768m", dir.resolve("logs"), QUIET, "job: running", args);
    }

    void awaitJobRunning() throws Exception {
        if (jobHandle != null) {
            jobHandle.awaitRunning(PATIENCE);
        } else {
            assertThat(jobJvm.awaitReady(PATIENCE)).as("job running; see %s", dir.resolve("logs/job.log")).isTrue();
        }
    }

    /** SIGKILL: the job's JVM dies mid-stream, with whatever it had not checkpointed. */
    void killJob() throws InterruptedException {
        jobJvm.kill();
        LOG.info("job killed");
    }

    /** Waits until the job has completed a checkpoint after {@code after}, i.e. one that holds part of the load. */
    void awaitCheckpointAfter(Instant after) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
            Instant latest = latestCheckpoint();
            return latest != null && latest.isAfter(after);
        });
        LOG.info("job checkpointed");
    }

    /** The in-process job's status. */
    JobStatus jobStatus() throws Exception {
        return jobHandle.status();
    }

    /** When the job last completed a checkpoint (Flink keeps only the latest); null before the first. */
    Instant latestCheckpoint() throws java.io.IOException {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.find(dir.resolve("checkpoints"), 3,
                    (p, a) -> p.getFileName().toString().equals("_metadata"))) {
                return files.map(p -> {
                    try {
                        return Files.getLastModifiedTime(p).toInstant();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).max(Instant::compareTo).orElse(null);
            } catch (java.io.UncheckedIOException e) {
                if (attempt == 3) {
                    throw e.getCause();
                }
                // Flink deleted a superseded checkpoint while we walked the directory: walk it again
            }
        }
    }

    /** Gateway instance 1, so a restarted gateway resumes the broker sessions (and queued messages) of the last. */
    void startGateway() throws Exception {
        if (!setup.gatewayInOwnJvm()) {
            gatewayApp = GatewayApplication.start(GatewayConfig.defaults().withMqttUrl(stack.mosquitto.url())
                    .withKafkaBootstrap(stack.kafka.bootstrapServers()).withInstanceId("1").withCoap("127.0.0.1", 0)
                    .withAckPort(0));
            return;
        }
        List<String> args = new ArrayList<>(List.of("gateway",
                "--mqtt-url", stack.mosquitto.url(), "--kafka", stack.kafka.bootstrapServers(),
                "--instance", "1", "--coap-port", "0", "--ack-port", "0"));
        if (access != null) {
            args.addAll(List.of("--registry", access.registryFile.toString(), "--coaps-port", "0",
                    "--mqtt-user", DemoAccess.GATEWAY_USER,
                    "--mqtt-password-file", access.gatewayPasswordFile.toString()));
        }
        gatewayJvm = ChildJvm.start("gateway", "384m", dir.resolve("logs"), QUIET, "gateway: ", args);
        assertThat(gatewayJvm.awaitReady(PATIENCE)).as("gateway up; see %s", dir.resolve("logs/gateway.log")).isTrue();
    }

    /** The in-process gateway's metrics. */
    io.vigil.gateway.GatewayMetrics gatewayMetrics() {
        return gatewayApp.metrics();
    }

    void killGateway() throws InterruptedException {
        gatewayJvm.kill();
        LOG.info("gateway killed");
    }

    /**
     * Mosquitto stops (saving its persistent sessions, as on a service restart) and starts again on the same port;
     * clients reconnect on their own.
     */
    void restartBroker() throws Exception {
        stack.mosquitto.close();
        LOG.info("broker stopped");
        stack.mosquitto.start();
        LOG.info("broker started again");
    }

    /** The broker password of the registered hand-send device {@value DemoAccess#HAND_DEVICE} (secured set-up). */
    String handDevicePassword() throws java.io.IOException {
        return DeviceCredentials.read(access.credentialsFile).get(DemoAccess.HAND_DEVICE).mqttPassword();
    }

    String jobLog() throws java.io.IOException {
        return Files.readString(dir.resolve("logs/job.log"));
    }

    /**
     * Starts the fleet: {@value #DEVICES} MQTT gauges at {@value #READINGS_PER_SECOND} readings/s in all, QoS 1,
     * for {@link #LOAD}; device {@code prefix + 0} is the flood gauge.
     */
    Simulator startLoad(String prefix) throws Exception {
        return Simulator.start(SimulatorConfig.defaults().withMqttUrl(stack.mosquitto.url()).withCoapShare(0)
                .withDevices(DEVICES).withRatePerSecond(READINGS_PER_SECOND).withDuration(LOAD)
                .withTimeScale(TIME_SCALE).withDeviceIdPrefix(prefix).withMqttConnections(2), null);
    }

    /** The flood gauge's expected alarm, as elapsed time of the load. */
    static RiverFloodScenario.Crossing expectedAlarm() {
        return new RiverFloodScenario(SimulatorConfig.defaults().seed(), TIME_SCALE).expectedAlarm();
    }

    /** Waits (on the load's own progress) until {@code elapsed} of load time has been sent. */
    static void awaitLoadAt(Simulator load, Duration elapsed) {
        long readings = (long) Math.ceil(elapsed.toMillis() / 1000.0 * READINGS_PER_SECOND);
        await().atMost(elapsed.plus(PATIENCE)).pollInterval(Duration.ofMillis(50)).until(() -> load.sent() >= readings);
        LOG.info("load at {}: {} sent, {} acknowledged", elapsed, load.sent(), load.acknowledged());
    }

    /**
     * The end of every failure test. Waits for the load to finish, then checks by counting: every reading the
     * devices sent was acknowledged by the broker and is in InfluxDB exactly once (InfluxDB overwrites an
     * identical point, so a count per device equal to what was sent means none missing and no extra point), and
     * the flood gauge's incident went through ALARM, RECOVERING and CLOSED on {@code vigil.alerts} exactly once each,
     * with nothing else for this fleet.
     */
    void assertEveryReadingStoredOnceAndTheIncidentExact(Simulator load, String prefix) throws Exception {
        assertThat(load.awaitCompletion(PATIENCE)).as("load finished").isTrue();
        assertThat(load.failed()).as("readings the broker did not acknowledge; last: %s", load.lastFailure()).isZero();
        assertThat(load.acknowledged()).isEqualTo(load.sent());
        LOG.info("load done: {} readings sent and acknowledged", load.sent());
        Map<String, Long> expected = expectedCounts(prefix, load.sent());

        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(influxCounts(prefix)).isEqualTo(expected));

        LOG.info("every reading in InfluxDB once");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> transitions(prefix).stream().anyMatch(t -> t.phase() == Phase.CLOSED));
        // a replay would show up in a later transaction: the log must stay as it is over several checkpoints
        int settled = transitions(prefix).size();
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> transitions(prefix).size() == settled);
        List<Transition> seen = transitions(prefix);
        String incident = seen.get(0).incidentId();
        assertThat(incident).startsWith(RULE + ":" + prefix + "0:water_level:");
        assertThat(seen).containsExactly(new Transition(incident, Phase.ALARM),
                new Transition(incident, Phase.RECOVERING), new Transition(incident, Phase.CLOSED));
        assertThat(influxCounts(prefix)).as("no reading written again while the alerts settled").isEqualTo(expected);
    }

    /** Reading k of a run goes to device k mod devices, so a fully acknowledged run's count per device is known. */
    static Map<String, Long> expectedCounts(String prefix, long sent) {
        Map<String, Long> counts = new TreeMap<>();
        for (int d = 0; d < DEVICES; d++) {
            counts.put(prefix + d, sent / DEVICES + (d < sent % DEVICES ? 1 : 0));
        }
        return counts;
    }

    /** Points per device in InfluxDB ({@code COUNT} per device tag) for the devices whose id starts with prefix. */
    Map<String, Long> influxCounts(String prefix) throws Exception {
        JsonNode answer = Json.mapper().readTree(stack.influx.query("vigil", "SELECT count(\"value\") FROM \"readings\""
                + " WHERE \"device\" =~ /^" + prefix + "/ GROUP BY \"device\""));
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode series : answer.path("results").path(0).path("series")) {
            counts.put(series.path("tags").path("device").asText(), series.path("values").path(0).path(1).asLong());
        }
        return counts;
    }

    /** An incident transition as it appears on {@code vigil.alerts}. */
    record Transition(String incidentId, Phase phase) {}

    /** Every committed transition on {@code vigil.alerts} so far whose subject starts with {@code prefix}, in order. */
    List<Transition> transitions(String prefix) throws java.io.IOException {
        JsonSerde<Alert> serde = JsonSerde.alerts();
        for (ConsumerRecord<String, byte[]> r : alertLog.poll(Duration.ofMillis(100))) {
            alerts.add(serde.fromBytes(r.value()));
        }
        return alerts.stream().filter(a -> a.subject().startsWith(prefix))
                .map(a -> new Transition(a.incidentId(), a.phase())).toList();
    }

    /** Clients first (they flush into the servers), then the servers. */
    @Override
    public void close() throws Exception {
        try {
            if (gatewayApp != null) {
                gatewayApp.close();
            }
            if (gatewayJvm != null) {
                gatewayJvm.close();
            }
            if (jobHandle != null) {
                jobHandle.close();
            }
            if (jobJvm != null) {
                jobJvm.close();
            }
            alertLog.close();
        } finally {
            stack.close();
            keepLogs();
        }
    }

    /**
     * The child JVMs' logs outlive the test's directory (deleted when it passes) under target/pipeline-logs/: a
     * recovery that passed but took far longer than usual is worth reading too.
     */
    private void keepLogs() throws java.io.IOException {
        Path logs = dir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        Path kept = Path.of("target", "pipeline-logs", dir.getFileName().toString());
        Files.createDirectories(kept);
        try (var files = Files.list(logs)) {
            for (Path log : files.toList()) {
                Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}

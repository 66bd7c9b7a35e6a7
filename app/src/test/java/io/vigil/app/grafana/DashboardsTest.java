package io.vigil.app.grafana;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigil.common.Protocol;
import io.vigil.common.Topics;
import io.vigil.gateway.GatewayApplication;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.rfid.RfidGatewayConfig;
import io.vigil.job.JobApplication;
import io.vigil.job.JobHandle;
import io.vigil.app.LiveJob;
import io.vigil.job.JobOptions;
import io.vigil.sim.DeviceReading;
import io.vigil.sim.RiverFloodScenario;
import io.vigil.sim.Simulator;
import io.vigil.sim.SimulatorConfig;
import io.vigil.sim.rfid.RfidSimConfig;
import io.vigil.sim.rfid.RfidSimulator;
import io.vigil.stack.LocalStack;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grafana cannot run here, so this checks what Grafana would: the dashboards' structure against the provisioning
 * files, and every query, interpolated as Grafana's InfluxQL datasource does, against a real InfluxDB that a short
 * flood scenario and the RFID crowd scenario filled through the real gateway and job (their metrics included).
 */
@Tag("servers")
class DashboardsTest {
    private static final Path DASHBOARDS = Path.of("..", "dashboards").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INFLUX_UID = "vigil-influxdb";
    private static final String DB = "vigil";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Path SITE = Path.of("..", "config", "site.yaml").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static LocalStack stack;
    static GatewayApplication gateway;
    static JobHandle job;
    static Simulator simulator;

    @BeforeAll
    static void runAFloodThroughThePipeline() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("servers"), MQTT, INFLUX, KAFKA).start();
        stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER, Topics.ALERTS, Topics.TAGREADS);
        Path rules = dir.resolve("rules.yaml");
        // the demo rule with shorter waits, so the time-scaled wave goes through every phase
        Files.writeString(rules, """
                rules:
                  - id: river-level-high
                    metric: water_level
                    threshold: {above: 4.0, warn: 3.6, clear: 3.8, for: 1s, clear_for: 2s}
                    summary: "River level high at {zone}"
                """);
        gateway = GatewayApplication.start(GatewayConfig.defaults().withMqttUrl(stack.mosquitto.url())
                .withKafkaBootstrap(stack.kafka.bootstrapServers()).withCoap("127.0.0.1", 0)
                .withMetricsInflux(stack.influx.url(), DB, Duration.ofSeconds(1)),
                RfidGatewayConfig.of(SITE, pseudonymKey()));
        job = JobApplication.start(LiveJob.quickInflux(stack, dir, Duration.ofSeconds(2))
                .with(JobOptions.CONSUMER_GROUP, "dashboards-job")
                .with(JobOptions.RULES, rules)
                .with(JobOptions.SITE, SITE)
                .with(JobOptions.METRICS_INFLUX_URL, stack.influx.url())
                .with(JobOptions.METRICS_INTERVAL, Duration.ofSeconds(2)));
        job.awaitRunning(PATIENCE);
        SimulatorConfig sim = SimulatorConfig.defaults().withMqttUrl(stack.mosquitto.url())
                .withCoapUri("coap://127.0.0.1:" + gateway.coapPort()).withDevices(6).withRatePerSecond(30)
                .withTimeScale(4).withDuration(Duration.ofSeconds(30)).withSeed(7);
        // a gauge last heard ten minutes ago, which the overview must count as offline
        Simulator.sendOne(sim, Protocol.MQTT, "silent-gauge", new DeviceReading(RiverFloodScenario.METRIC, 3.1,
                RiverFloodScenario.UNIT, System.currentTimeMillis() - Duration.ofMinutes(10).toMillis(),
                "riverside", RiverFloodScenario.SITE));
        simulator = Simulator.start(sim, null);
        // a gauge that stays above the pre-warning level: an incident still open when the queries run
        Simulator.sendOne(sim, Protocol.MQTT, "rising-gauge", new DeviceReading(RiverFloodScenario.METRIC,
                RiverFloodScenario.PRE_WARNING_LEVEL + 0.1, RiverFloodScenario.UNIT, System.currentTimeMillis(),
                "harbour", RiverFloodScenario.SITE));
        // RFID readers for the zones dashboard: the crowd's 2 minutes in 6 s, ending about now. After the rising
        // gauge, whose reading must come while the fleet still moves the readings' watermark past it.
        new RfidSimulator(RfidSimConfig.defaults().withMqttUrl(stack.mosquitto.url()).withSiteFile(SITE)
                .withScenario("crowd").withTimeScale(20)).run(new PrintStream(OutputStream.nullOutputStream()));
    }

    private static byte[] pseudonymKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (job != null) {
            job.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void dashboardsReferOnlyToProvisionedDatasourcesAndDefinedVariables() throws Exception {
        Set<String> datasourceUids = provisionedDatasourceUids();
        assertThat(datasourceUids).contains(INFLUX_UID, "vigil-alertmanager");
        JsonNode provider = new YAMLMapper().readTree(DASHBOARDS.resolve("provisioning/dashboards/vigil.yaml").toFile());
        assertThat(provider.path("providers").path(0).path("type").asText()).isEqualTo("file");

        List<JsonNode> dashboards = dashboards();
        assertThat(dashboards).extracting(d -> d.path("uid").asText())
                .containsExactlyInAnyOrder("vigil-overview", "vigil-sensor", "vigil-incidents", "vigil-pipeline",
                        "vigil-zones")
                .doesNotHaveDuplicates();
        for (JsonNode d : dashboards) {
            String uid = d.path("uid").asText();
            assertThat(d.path("title").asText()).as(uid).isNotBlank();
            assertThat(d.path("time").path("from").asText()).as(uid).startsWith("now-");
            assertThat(d.path("refresh").asText()).as(uid).isNotBlank();
            Set<String> defined = new HashSet<>();
            d.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
            Set<Integer> panelIds = new HashSet<>();
            for (JsonNode p : d.path("panels")) {
                String where = uid + " panel '" + p.path("title").asText() + "'";
                assertThat(panelIds.add(p.path("id").asInt())).as(where + " id unique").isTrue();
                assertThat(datasourceUids).as(where + " datasource").contains(p.path("datasource").path("uid").asText());
                for (JsonNode t : p.path("targets")) {
                    assertThat(datasourceUids).as(where + " target datasource")
                            .contains(t.path("datasource").path("uid").asText());
                    assertThat(defined).as(where + " variables").containsAll(
                            GrafanaInfluxQl.variablesIn(t.path("query").asText()));
                }
                if (!p.path("type").asText().equals("alertlist")) {
                    assertThat(p.path("targets")).as(where + " queries").isNotEmpty();
                }
            }
            for (JsonNode a : d.path("annotations").path("list")) {
                assertThat(datasourceUids).contains(a.path("datasource").path("uid").asText());
                assertThat(defined).as(uid + " annotation variables")
                        .containsAll(GrafanaInfluxQl.variablesIn(a.path("query").asText()));
            }
            for (JsonNode v : d.path("templating").path("list")) {
                assertThat(datasourceUids).contains(v.path("datasource").path("uid").asText());
                assertThat(defined).as(uid + " variable " + v.path("name").asText())
                        .containsAll(GrafanaInfluxQl.variablesIn(v.path("query").asText()));
            }
        }
    }

    @Test
    void everyPanelAndAnnotationQueryReturnsSeriesFromThePipelinesData() throws Exception {
        List<JsonNode> dashboards = dashboards();
        // metrics arrive every 1-2 s and alerts once the wave has passed: wait until every query has an answer
        List<String> problems = new ArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            problems.clear();
            for (JsonNode d : dashboards) {
                problems.addAll(queryProblems(d));
            }
            if (!problems.isEmpty()) {
                problems.add("operator measurements there are: " + stack.influx.query(DB,
                        "SHOW MEASUREMENTS WITH MEASUREMENT =~ /badReadings|lag|Latency/"));
            }
            assertThat(problems).isEmpty();
        });
    }

    /** Every query of one dashboard as Grafana would send it; a problem per error or per empty answer. */
    private static List<String> queryProblems(JsonNode dashboard) throws Exception {
        String uid = dashboard.path("uid").asText();
        String from = dashboard.path("time").path("from").asText();
        List<String> problems = new ArrayList<>();
        Map<String, GrafanaInfluxQl.Selection> selected = new LinkedHashMap<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            // variables resolve in order, each query seeing the ones before it, all on "All"
            String q = new GrafanaInfluxQl(from, selected).interpolate(v.path("query").asText());
            List<String> values = tagValues(q);
            if (values.isEmpty()) {
                problems.add(uid + " variable " + v.path("name").asText() + ": no values from " + q);
            }
            selected.put(v.path("name").asText(), new GrafanaInfluxQl.Selection(values,
                    v.path("multi").asBoolean() || v.path("includeAll").asBoolean()));
        }
        GrafanaInfluxQl grafana = new GrafanaInfluxQl(from, selected);
        for (JsonNode p : dashboard.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                problems.addAll(check(uid + " '" + p.path("title").asText() + "' " + t.path("refId").asText(),
                        grafana.interpolate(t.path("query").asText())));
            }
        }
        for (JsonNode a : dashboard.path("annotations").path("list")) {
            problems.addAll(check(uid + " annotation '" + a.path("name").asText() + "'",
                    grafana.interpolate(a.path("query").asText())));
        }
        return problems;
    }

    private static List<String> check(String what, String influxQl) throws IOException, InterruptedException {
        JsonNode answer;
        try {
            answer = JSON.readTree(stack.influx.query(DB, influxQl));
        } catch (IOException e) {
            return List.of(what + ": " + e.getMessage() + " for " + influxQl);
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode result : answer.path("results")) {
            if (result.has("error")) {
                problems.add(what + ": " + result.path("error").asText() + " for " + influxQl);
            } else if (result.path("series").isEmpty()) {
                problems.add(what + ": no series for " + influxQl);
            }
        }
        return problems;
    }

    private static List<String> tagValues(String showTagValues) throws IOException, InterruptedException {
        JsonNode answer = JSON.readTree(stack.influx.query(DB, showTagValues));
        List<String> values = new ArrayList<>();
        answer.path("results").path(0).path("series").forEach(s ->
                s.path("values").forEach(row -> values.add(row.path(1).asText())));
        return values;
    }

    private static Set<String> provisionedDatasourceUids() throws IOException {
        Set<String> uids = new HashSet<>();
        try (Stream<Path> files = Files.list(DASHBOARDS.resolve("provisioning/datasources"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                new YAMLMapper().readTree(f.toFile()).path("datasources").forEach(ds -> uids.add(ds.path("uid").asText()));
            }
        }
        return uids;
    }

    private static List<JsonNode> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS.resolve("grafana"))) {
            List<JsonNode> out = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(JSON.readTree(f.toFile()));
            }
            return out;
        }
    }
}

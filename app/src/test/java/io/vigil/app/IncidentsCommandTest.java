package io.vigil.app;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.incident.HumanDurations;
import io.vigil.common.incident.IncidentReport;
import io.vigil.common.serde.Json;
import io.vigil.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil incidents} against a real InfluxDB holding points in the shape the job writes. */
@Tag("servers")
class IncidentsCommandTest {
    static final long T0 = System.currentTimeMillis() - 3_600_000; // an hour ago: inside the default 24h
    static final String CLOSED_ID = "river-level-high:gauge-7:water_level:" + T0;
    static final String OPEN_ID = "gas-leak:hall-2:co:" + (T0 + 60_000);
    static final String OLD_ID = "fire:depot:temperature:" + (T0 - 3 * 86_400_000L);

    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, INFLUX).start();
        stack.influx.createDatabase("vigil");
        try (InfluxDB influx = InfluxDBFactory.connect(stack.influx.url())) {
            BatchPoints batch = BatchPoints.database("vigil").build();
            batch.point(transition(CLOSED_ID, "river-level-high", "gauge-7", "PRE_WARNING", T0, 3.8, 4.0, "warning").build());
            batch.point(transition(CLOSED_ID, "river-level-high", "gauge-7", "ALARM", T0 + 600_000, 4.1, 4.0, "critical").build());
            batch.point(transition(CLOSED_ID, "river-level-high", "gauge-7", "RECOVERING", T0 + 1_500_000, 3.7, 4.0, "warning").build());
            batch.point(transition(CLOSED_ID, "river-level-high", "gauge-7", "CLOSED", T0 + 1_800_000, 3.5, 4.0, "info")
                    .addField("incident_id", CLOSED_ID)
                    .addField("rule_id", "river-level-high")
                    .addField("subject", "gauge-7")
                    .addField("site", "north-bank")
                    .addField("department", "flood-control")
                    .addField("devices", "gauge-7,gauge-8")
                    .addField("first_pre_warning_at", T0)
                    .addField("alarm_at", T0 + 600_000)
                    .addField("lead_time_ms", 600_000L)
                    .addField("peak_value", 4.52)
                    .addField("peak_at", T0 + 900_000)
                    .addField("started_at", T0)
                    .addField("closed_at", T0 + 1_800_000)
                    .addField("duration_ms", 1_800_000L)
                    .addField("acknowledged_at", T0 + 750_000)
                    .addField("acknowledged_by", "Officer Li")
                    .addField("time_to_acknowledge_ms", 150_000L)
                    .addField("readings", 181L)
                    .build());
            batch.point(transition(OPEN_ID, "gas-leak", "hall-2", "ALARM", T0 + 60_000, 55, 50, "critical").build());
            batch.point(transition(OLD_ID, "fire", "depot", "ALARM", T0 - 3 * 86_400_000L, 80, 60, "critical").build());
            influx.write(batch);
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Point.Builder transition(String id, String rule, String device, String phase, long at, double value,
            double limit, String severity) {
        return Point.measurement("incidents").time(at, TimeUnit.MILLISECONDS)
                .tag("rule", rule).tag("zone", "zone-1").tag("device", device).tag("phase", phase).tag("incident", id)
                .addField("value", value).addField("limit", limit).addField("severity", severity)
                .addField("summary", rule + " " + phase.toLowerCase());
    }

    record Run(int exit, String out, String err) {}

    private static Run vigil(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--influx-url=" + stack.influx.url();
        all[args.length + 1] = "--influx-db=vigil";
        int exit = cli.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void listShowsEachIncidentOnceWithItsLatestPhase() {
        Run run = vigil("incidents", "list");

        assertThat(run.exit()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).filteredOn(l -> l.contains(CLOSED_ID)).singleElement().asString().contains("CLOSED");
        assertThat(lines).filteredOn(l -> l.contains(OPEN_ID)).singleElement().asString().contains("ALARM");
        assertThat(run.out()).doesNotContain(OLD_ID).contains("2 incident(s) in the last 1d");
    }

    @Test
    void listOpenLeavesClosedOnesOutAndSinceReachesFurtherBack() {
        Run open = vigil("incidents", "list", "--open");
        assertThat(open.out()).contains(OPEN_ID).doesNotContain(CLOSED_ID).contains("1 incident(s) open");

        Run week = vigil("incidents", "list", "--since", "7d");
        assertThat(week.out()).contains(OLD_ID, OPEN_ID, CLOSED_ID);
    }

    @Test
    void showPrintsTheTimelineAndTheReportOneFieldPerLine() {
        Run run = vigil("incidents", "show", CLOSED_ID);

        assertThat(run.exit()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("  20")).map(l -> l.split("\\s+")[2]))
                .containsExactly("PRE_WARNING", "ALARM", "RECOVERING", "CLOSED");
        assertThat(run.out()).contains(
                "lead time:           10m",
                "duration:            30m",
                "time to acknowledge: 2m 30s",
                "acknowledged by:     Officer Li",
                "devices:             gauge-7, gauge-8",
                "peak:                4.52 at ",
                "readings:            181");
    }

    @Test
    void showJsonIsTheIncidentReport() throws Exception {
        Run run = vigil("incidents", "show", CLOSED_ID, "--json");

        assertThat(run.exit()).isZero();
        IncidentReport report = Json.mapper().readValue(run.out(), IncidentReport.class);
        assertThat(report).isEqualTo(new IncidentReport(CLOSED_ID, "river-level-high", "gauge-7", "north-bank",
                "zone-1", "flood-control", List.of("gauge-7", "gauge-8"), T0, T0 + 600_000, 600_000L, 4.52,
                T0 + 900_000, T0, T0 + 1_800_000, 1_800_000L, T0 + 750_000, "Officer Li", 150_000L, 181L));
    }

    @Test
    void showOfAnOpenIncidentHasNoReportAndAnUnknownIdIsNotFound() {
        Run open = vigil("incidents", "show", OPEN_ID);
        assertThat(open.exit()).isZero();
        assertThat(open.out()).contains("no post-event report yet: the incident is ALARM");
        assertThat(vigil("incidents", "show", OPEN_ID, "--json").exit()).isEqualTo(IncidentsCommand.NOT_FOUND);

        Run unknown = vigil("incidents", "show", "no-such:incident' OR 1=1");
        assertThat(unknown.exit()).isEqualTo(IncidentsCommand.NOT_FOUND);
        assertThat(unknown.err()).contains("no incident");
    }

    @Test
    void durationsReadLikeAnOfficerWritesThem() {
        assertThat(HumanDurations.format(850)).isEqualTo("850ms");
        assertThat(HumanDurations.format(90_000)).isEqualTo("1m 30s");
        assertThat(HumanDurations.format(90_061_000)).isEqualTo("1d 1h 1m 1s");
        assertThat(HumanDurations.format(7_200_000)).isEqualTo("2h");
    }
}

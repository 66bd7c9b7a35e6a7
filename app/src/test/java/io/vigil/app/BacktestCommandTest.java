package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil backtest} on a small file with the demo rules, and the answers to unusable input. */
class BacktestCommandTest {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    @TempDir
    Path dir;

    @Test
    void aSmallFileIsScoredRowForRowAndItsIncidentSummarised() throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int s = 0; s <= 40; s++) {
            csv.append(T0.plusSeconds(s).toString().replace('T', ' ').replace("Z", "")).append(',')
                    .append(s >= 10 && s < 25 ? 4.4 : 3.0).append('\n');
        }
        csv.append("not a time,3.0\n");
        Path input = Files.writeString(dir.resolve("gauge-9.csv"), csv.toString());
        Path output = dir.resolve("out/gauge-9.scored.csv");

        Run run = run("backtest", "--input", input.toString(), "--rules", "../config/rules.yaml",
                "--metric", "water_level", "--parallelism", "1", "--output", output.toString());

        assertThat(run.code).as(run.err).isZero();
        String incident = "river-level-high:gauge-9:water_level:" + T0.plusSeconds(10).toEpochMilli();
        assertThat(run.out).contains("backtest: 1 input(s), 41 readings, 1 row(s) rejected, 1 incident(s)")
                .contains(incident).containsPattern(incident + " +ALARM +CLOSED");
        assertThat(run.err).contains("backtest: 41 / 41 readings (100%)")
                .contains("backtest: rejected gauge-9.csv:43: column 1 (timestamp): 'not a time' is not a time (ISO-8601");
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(1 + 42);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,phase_river-level-high,"
                + "incident_river-level-high,phase_device-offline,incident_device-offline,phase_fire,incident_fire");
        assertThat(lines.get(1 + 12)).startsWith("2026-01-05 08:00:12,4.4,").contains(",PRE_WARNING," + incident + ",NORMAL,");
        assertThat(lines.get(1 + 41)).isEqualTo("not a time,3.0,,,,,,,");
    }

    @Test
    void unusableInputIsRefusedWithAReason() throws Exception {
        Path noTime = Files.writeString(dir.resolve("x.csv"), "when,level\n2026-01-05 08:00:00,1\n");

        Run missing = run("backtest", "--input", dir.resolve("nothing").toString(), "--output", dir.resolve("o.csv").toString());
        Run header = run("backtest", "--input", noTime.toString(), "--output", dir.resolve("o.csv").toString());
        Run range = run("backtest", "--influx-url", "http://127.0.0.1:1", "--from", "2026-01-02", "--to", "2026-01-01",
                "--output", dir.resolve("o.csv").toString());

        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("nothing: no such file or directory");
        assertThat(header.code).isEqualTo(2);
        assertThat(header.err).contains("x.csv:1: the header when,level has no timestamp column");
        assertThat(range.code).isEqualTo(2);
        assertThat(range.err).contains("--from '2026-01-02' is not a time (ISO-8601");
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}

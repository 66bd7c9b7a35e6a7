package io.vigil.job.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.VigilJob;
import io.vigil.job.rules.RulesLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory of series through the real pipeline in one job, with config/rules.yaml: a river gauge rises into
 * ALARM and recovers, two gauges go silent while a third keeps event time moving (device offline), and the end
 * of input is not taken for silence.
 */
class BacktestTest {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    static final long T0_MS = T0.toEpochMilli();
    static final String RIVER = "river-level-high:gauge-1:water_level:" + (T0_MS + 10_000);
    @TempDir
    Path dir;

    @Test
    void aDirectoryRunsInOneJobAndEachOutputMirrorsItsInputRowForRow() throws Exception {
        Path in = dir.resolve("in");
        StringBuilder g1 = new StringBuilder("timestamp,value\n");
        for (int s = 0; s <= 60; s++) {
            int second = s == 21 ? 22 : s == 22 ? 21 : s; // two rows out of order, within the 5 s allowed
            g1.append(T0.plusSeconds(second)).append(',').append(second >= 10 && second <= 30 ? 4.2 : 3.0).append('\n');
        }
        write(in.resolve("north/gauge-1.csv"), g1.toString());
        StringBuilder g2 = new StringBuilder("timestamp,value,note\n");
        for (int s = 0; s <= 60; s++) {
            g2.append(T0.plusSeconds(s).toString().replace('T', ' ').replace("Z", "")).append(",3.1,ok\n");
        }
        write(in.resolve("gauge-2.csv"), g2.toString());
        StringBuilder g3 = new StringBuilder("timestamp,device,metric,value\n");
        for (int s = 0; s <= 400; s += 10) {
            g3.append(T0.plusSeconds(s)).append(",gauge-3,water_level,2.5\n");
            if (s == 100) {
                g3.append("later,gauge-3,water_level,2.5\n");
            }
        }
        write(in.resolve("south/mixed.csv"), g3.toString());
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        List<SeriesFile> inputs = CsvInputs.read(in, "water_level");
        BacktestResult result = Backtest.run(inputs, new BacktestSettings(RulesLoader.load(Path.of("..", "config",
                "rules.yaml")), Duration.ofSeconds(5), 2, new PrintWriter(new OutputStreamWriter(progress, StandardCharsets.UTF_8), true)));
        Path out = dir.resolve("out");
        ScoredOutput.writeDirectory(result, out);

        assertThat(inputs).extracting(SeriesFile::name).containsExactly("gauge-2.csv", "north/gauge-1.csv", "south/mixed.csv");
        assertThat(result.readings()).isEqualTo(61 + 61 + 41);
        assertThat(result.rejectedRows()).isEqualTo(1);
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("backtest: 163 / 163 readings (100%)");

        assertThat(result.alerts()).filteredOn(a -> a.ruleId().equals("river-level-high"))
                .extracting(Alert::incidentId, Alert::phase, Alert::eventTime)
                .startsWith(tuple(RIVER, Phase.PRE_WARNING, T0_MS + 10_000), tuple(RIVER, Phase.ALARM, T0_MS + 15_000))
                .endsWith(tuple(RIVER, Phase.RECOVERING, T0_MS + 31_000), tuple(RIVER, Phase.CLOSED, T0_MS + 41_000));
        assertThat(result.alerts()).filteredOn(a -> a.ruleId().equals("device-offline"))
                .extracting(Alert::subject, Alert::phase, Alert::eventTime)
                .as("silent for 5 min while gauge-3 moves event time on; gauge-3 itself only stops at the end")
                .containsExactlyInAnyOrder(tuple("gauge-1", Phase.ALARM, T0_MS + 360_000),
                        tuple("gauge-2", Phase.ALARM, T0_MS + 360_000));

        List<String[]> g1Out = rows(out.resolve("north/gauge-1.csv"));
        assertThat(g1Out.get(0)).containsExactly("timestamp", "value", "anomaly_score", "phase_river-level-high",
                "incident_river-level-high", "phase_device-offline", "incident_device-offline", "phase_fire", "incident_fire");
        assertThat(g1Out).hasSize(62);
        assertThat(g1Out.subList(1, 62)).extracting(r -> r[0]).containsExactlyElementsOf(
                Files.readAllLines(in.resolve("north/gauge-1.csv")).subList(1, 62).stream().map(l -> l.split(",")[0]).toList());
        assertThat(g1Out.subList(1, 62)).as("the two rows out of order are put back in order while they settle")
                .extracting(r -> Double.parseDouble(r[2])).allMatch(s -> s >= 0 && s <= 1);
        assertThat(withoutScore(g1Out.get(1 + 9))).containsExactly(T0.plusSeconds(9).toString(), "3.0", "NORMAL", "", "NORMAL", "", "NORMAL", "");
        assertThat(withoutScore(g1Out.get(1 + 10))).containsExactly(T0.plusSeconds(10).toString(), "4.2", "PRE_WARNING", RIVER, "NORMAL", "", "NORMAL", "");
        assertThat(g1Out.get(1 + 20)[3]).isEqualTo("ALARM");
        assertThat(withoutScore(g1Out.get(1 + 41))).containsExactly(T0.plusSeconds(41).toString(), "3.0", "CLOSED", RIVER, "NORMAL", "", "NORMAL", "");
        assertThat(g1Out.get(1 + 42)[3]).isEqualTo("NORMAL");

        List<String[]> g2Out = rows(out.resolve("gauge-2.csv"));
        assertThat(g2Out.get(0)).startsWith("timestamp", "value", "note", "anomaly_score");
        assertThat(g2Out.get(5)).startsWith("2026-01-05 08:00:04", "3.1", "ok");
        assertThat(g2Out.get(5)[4]).isEqualTo("NORMAL");

        List<String[]> g3Out = rows(out.resolve("south/mixed.csv"));
        assertThat(g3Out).hasSize(1 + 42);
        assertThat(g3Out.get(1 + 11)).as("the rejected row keeps its place, unscored")
                .containsExactly("later", "gauge-3", "water_level", "2.5", "", "", "", "", "", "", "");
        assertThat(g3Out.get(1 + 12)[0]).isEqualTo(T0.plusSeconds(110).toString());
    }

    @Test
    void oneReaderReadsTheReplayWhateverTheParallelism() throws Exception {
        write(dir.resolve("gauge-9.csv"), "timestamp,value\n" + T0 + ",3.0\n" + T0.plusSeconds(1) + ",3.1\n");
        Replay replay = Replay.merge(CsvInputs.read(dir, "water_level"));
        try (Handoff handoff = Handoff.open(replay.readings())) {
            StreamGraph graph = Backtest.job(handoff, new BacktestSettings(RulesLoader.load(Path.of("..", "config",
                    "rules.yaml")), Duration.ofSeconds(5), 3, null), new DiscardingSink<>(), new DiscardingSink<>()).getStreamGraph();

            assertThat(graph.getStreamNodes())
                    .as("a second reader would hold the watermark at its minimum until it finished")
                    .filteredOn(n -> VigilJob.READINGS_SOURCE.equals(n.getTransformationUID()))
                    .extracting(StreamNode::getParallelism).containsExactly(1);
            assertThat(graph.getStreamNodes()).filteredOn(n -> "series-evaluator".equals(n.getTransformationUID()))
                    .extracting(StreamNode::getParallelism).containsExactly(3);
        }
    }

    static List<String> withoutScore(String[] row) {
        List<String> cells = new ArrayList<>(List.of(row));
        cells.remove(2);
        return cells;
    }

    static List<String[]> rows(Path csv) throws IOException {
        try (MappingIterator<String[]> it = new CsvMapper().readerFor(String[].class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(csv.toFile())) {
            List<String[]> rows = new ArrayList<>();
            it.forEachRemaining(rows::add);
            return rows;
        }
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}

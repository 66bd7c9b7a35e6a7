package io.vigil.app.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.app.Vigil;
import io.vigil.tools.anomaly.CorpusEvaluation;
import io.vigil.tools.anomaly.LabelledCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Scoring of a labelled corpus on small generated files in both layouts, and the command around it. */
class CorpusEvaluationTest {
    static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000L;
    @TempDir
    Path dir;

    @Test
    void windowsOnsetsAndRowsAreCountedTheWayAlarmsAreJudged() {
        // rows 3..5 and 9 are labelled; onsets at 4 (detects the first window, delay 1 row), 11 (a false alarm,
        // outside the tail of 1 row after row 9) and 10 (in that tail: neither)
        boolean[] labels = new boolean[14];
        for (int i : new int[] {3, 4, 5, 9}) {
            labels[i] = true;
        }
        long[] times = new long[14];
        for (int i = 0; i < times.length; i++) {
            times[i] = T0 + i * MINUTE;
        }
        LabelledCorpus.LabelledFile file = new LabelledCorpus.LabelledFile("f", times,
                new double[][] {new double[14]}, labels);
        CorpusEvaluation evaluation = new CorpusEvaluation((t, v, scores, onsets) -> {
            for (int i : new int[] {4, 5, 10, 11}) {
                scores[i] = 0.9;
            }
            onsets[4] = true;
            onsets[10] = true;
            onsets[11] = true;
        }, 0.5, 1);

        CorpusEvaluation.Figures f = evaluation.evaluate(file);

        assertThat(f.windows()).isEqualTo(2);
        assertThat(f.detected()).isEqualTo(1);
        assertThat(f.delaysMs()).containsExactly(MINUTE);
        assertThat(f.falseAlarms()).isEqualTo(1);
        assertThat(f.truePositives()).isEqualTo(2);
        assertThat(f.falsePositives()).isEqualTo(2);
        assertThat(f.falseNegatives()).isEqualTo(2);
        assertThat(f.f1()).isEqualTo(0.5);
        assertThat(f.seriesDays()).isEqualTo(13 * MINUTE / 86_400_000.0);
    }

    @Test
    void readsBothLayoutsAndReportsFromTheCommand() throws IOException {
        Random random = new Random(11);
        StringBuilder csv = new StringBuilder("\"TimeStamp\",\"Value\",\"Label\"\n");
        StringBuilder quiet = new StringBuilder("timestamp,value,label\n");
        int n = 3 * 24 * 60;
        for (int i = 0; i < n; i++) {
            String t = Instant.ofEpochMilli(T0 + i * MINUTE).toString();
            boolean spike = i >= 2 * 24 * 60 && i < 2 * 24 * 60 + 5;
            double v = 10 + random.nextGaussian() + (spike ? 40 : 0);
            csv.append(String.format(Locale.ROOT, "\"%s\",\"%.3f\",\"%d\"%n", t, v, spike ? 1 : 0));
            quiet.append(String.format(Locale.ROOT, "%s,%.3f,0%n", t, 10 + random.nextGaussian()));
        }
        Files.createDirectories(dir.resolve("data/web"));
        Files.writeString(dir.resolve("data/web/spiky.csv"), csv);
        Files.writeString(dir.resolve("data/web/quiet.csv"), quiet);
        StringBuilder te = new StringBuilder();
        for (int r = 0; r < 200; r++) {
            te.append(String.format(Locale.ROOT, "  %.4f  %.4f%n", random.nextGaussian(),
                    5 + random.nextGaussian() + (r >= LabelledCorpus.TEP_NORMAL_SAMPLES ? 30 : 0)));
        }
        Files.writeString(dir.resolve("d01_te.dat"), te);

        List<LabelledCorpus.LabelledFile> files = LabelledCorpus.load(dir);
        assertThat(files).extracting(LabelledCorpus.LabelledFile::name)
                .containsExactly("d01_te.dat", "data/web/quiet.csv", "data/web/spiky.csv");
        assertThat(files.get(0).columns()).hasNumberOfRows(2);
        assertThat(files.get(0).labels()[LabelledCorpus.TEP_NORMAL_SAMPLES]).isTrue();
        assertThat(files.get(0).labels()[LabelledCorpus.TEP_NORMAL_SAMPLES - 1]).isFalse();
        assertThat(files.get(1).anomalyFree()).isTrue();

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("evaluate-anomaly", "--corpus", dir.toString(), "--files")).isZero();
        assertThat(out.toString())
                .containsPattern("(?m)^data/web/spiky.csv\\s+1\\s+1\\s+1\\s+0\\s")
                .containsPattern("(?m)^d01_te.dat\\s+2\\s+1\\s+1\\s")
                .containsPattern("(?m)^anomaly-free\\s+1\\s+0\\s+0\\s+0\\s")
                .contains("windows detected 100.0 %");
    }

    @Test
    void anAbsentCorpusIsSkippedWithAClearMessage() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("evaluate-anomaly", "--corpus", dir.resolve("absent").toString())).isZero();
        assertThat(err.toString()).contains("skipped, no corpus folder").contains("absent");
    }
}

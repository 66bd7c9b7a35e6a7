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
        }, CorpusEvaluation.Judging.perSeries(0.5, 0, 1));

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
    void anOnsetWithinTheLeadBeforeAWindowDetectsItAndIsNoFalseAlarm() {
        boolean[] labels = new boolean[10];
        labels[5] = true;
        labels[6] = true;
        LabelledCorpus.LabelledFile file = new LabelledCorpus.LabelledFile("f", minutes(10),
                new double[][] {new double[10]}, labels);
        CorpusEvaluation.SeriesAssessor onsetAtRow4 = (t, v, scores, onsets) -> onsets[4] = true;

        CorpusEvaluation.Figures lead1 = new CorpusEvaluation(onsetAtRow4,
                CorpusEvaluation.Judging.perSeries(0.5, 1, 0)).evaluate(file);
        CorpusEvaluation.Figures lead0 = new CorpusEvaluation(onsetAtRow4,
                CorpusEvaluation.Judging.perSeries(0.5, 0, 0)).evaluate(file);

        assertThat(lead1.detected()).isEqualTo(1);
        assertThat(lead1.delaysMs()).containsExactly(-MINUTE);
        assertThat(lead1.falseAlarms()).isZero();
        assertThat(lead0.detected()).isZero();
        assertThat(lead0.falseAlarms()).isEqualTo(1);
    }

    @Test
    void aPlantAlarmsOnlyWhenAtLeastKOfItsSeriesAreAnomalousTogether() {
        // series 0 anomalous rows 3-5, series 1 rows 4-5, series 2 row 12 alone; rows 4-6 labelled
        int n = 16;
        double[][] columns = new double[3][n];
        for (int i = 3; i <= 5; i++) {
            columns[0][i] = i == 3 ? 2 : 1;
        }
        for (int i = 4; i <= 5; i++) {
            columns[1][i] = i == 4 ? 2 : 1;
        }
        columns[2][12] = 2;
        boolean[] labels = new boolean[n];
        for (int i = 4; i <= 6; i++) {
            labels[i] = true;
        }
        LabelledCorpus.LabelledFile plant = new LabelledCorpus.LabelledFile("plant", minutes(n), columns, labels);
        CorpusEvaluation.SeriesAssessor marks = (t, v, scores, onsets) -> {
            for (int i = 0; i < v.length; i++) { // 2: an onset, 1: the spell goes on, 0: quiet
                scores[i] = v[i] > 0 ? 0.9 : 0;
                onsets[i] = v[i] == 2;
            }
        };

        CorpusEvaluation.Figures grouped = new CorpusEvaluation(marks,
                new CorpusEvaluation.Judging(0.5, 0, 0, 2, 0)).evaluate(plant);
        CorpusEvaluation.Figures each = new CorpusEvaluation(marks,
                CorpusEvaluation.Judging.perSeries(0.5, 0, 0)).evaluate(plant);

        assertThat(grouped.series()).isEqualTo(1);
        assertThat(grouped.detected()).isEqualTo(1);
        assertThat(grouped.delaysMs()).containsExactly(0L);
        assertThat(grouped.falseAlarms()).isZero();
        assertThat(grouped.truePositives()).isEqualTo(2); // rows 4 and 5: the plant is at ALARM while both count
        assertThat(grouped.falsePositives()).isZero();
        assertThat(each.series()).isEqualTo(3);
        assertThat(each.falseAlarms()).isEqualTo(2); // series 0's onset before the window, series 2's alone
    }

    private static long[] minutes(int n) {
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = T0 + i * MINUTE;
        }
        return times;
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

package io.vigil.tools.anomaly;

import io.vigil.job.backtest.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a labelled corpus for {@code evaluate-anomaly --corpus}. Two layouts (../shared/datasets/README.md):
 * <ul>
 *   <li>CSV files anywhere below the folder with columns {@code timestamp,value,label} (a header, values may be
 *       quoted; label 1 = anomalous reading; rows without a value are skipped): one series per file;</li>
 *   <li>Tennessee Eastman test files {@code dNN_te.dat}: whitespace-separated, one column per sensor, one row per
 *       3-minute sample; every sensor of one file is a series of one plant, and from sample 161 on the rows of
 *       a fault file (NN &gt; 00) are labelled (the fault is introduced after 160 samples).</li>
 * </ul>
 */
public final class LabelledCorpus {
    /** The Tennessee Eastman faults start after this many samples. */
    public static final int TEP_NORMAL_SAMPLES = 160;
    static final long TEP_SAMPLE_MS = 3 * 60_000L;
    static final long TEP_START = Instant.parse("2020-01-06T00:00:00Z").toEpochMilli();
    private static final Pattern TEP_TEST = Pattern.compile("d(\\d\\d)_te\\.dat");

    /** One file: rows share a time and a label; every column is one series. */
    public record LabelledFile(String name, long[] times, double[][] columns, boolean[] labels) {
        public int rows() {
            return times.length;
        }

        public boolean anomalyFree() {
            for (boolean l : labels) {
                if (l) {
                    return false;
                }
            }
            return true;
        }
    }

    private LabelledCorpus() {
    }

    /** Every labelled file below {@code dir}, in path order. */
    public static List<LabelledFile> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        List<LabelledFile> out = new ArrayList<>();
        for (Path f : files) {
            String name = dir.relativize(f).toString();
            String file = f.getFileName().toString();
            Matcher tep = TEP_TEST.matcher(file);
            if (tep.matches()) {
                out.add(tennesseeEastman(name, f, !tep.group(1).equals("00")));
            } else if (file.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                out.add(narrowCsv(name, f));
            }
        }
        return out;
    }

    static LabelledFile narrowCsv(String name, Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        long[] t = new long[lines.size()];
        double[] v = new double[lines.size()];
        boolean[] l = new boolean[lines.size()];
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            if (cells.length < 2 || lines.get(i).isBlank()) {
                continue;
            }
            String time = unquote(cells[0]);
            if (i == 0 && !Character.isDigit(time.isEmpty() ? 'x' : time.charAt(0))) {
                continue; // header
            }
            if (unquote(cells[1]).isEmpty()) {
                continue; // a missing reading: the job would never have seen one
            }
            try {
                t[n] = Timestamps.parse(time);
                v[n] = Double.parseDouble(unquote(cells[1]));
                l[n] = cells.length > 2 && !unquote(cells[2]).equals("0") && !unquote(cells[2]).isEmpty();
            } catch (RuntimeException e) {
                throw new IOException(name + " line " + (i + 1) + ": not timestamp,value[,label]: " + lines.get(i), e);
            }
            n++;
        }
        return new LabelledFile(name, Arrays.copyOf(t, n), new double[][] {Arrays.copyOf(v, n)}, Arrays.copyOf(l, n));
    }

    static LabelledFile tennesseeEastman(String name, Path f, boolean fault) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.trim().split("\\s+");
            double[] row = new double[cells.length];
            for (int i = 0; i < cells.length; i++) {
                row[i] = Double.parseDouble(cells[i]);
            }
            if (!rows.isEmpty() && row.length != rows.get(0).length) {
                throw new IOException(name + " row " + (rows.size() + 1) + " has " + row.length + " columns, not "
                        + rows.get(0).length);
            }
            rows.add(row);
        }
        int columns = rows.isEmpty() ? 0 : rows.get(0).length;
        long[] times = new long[rows.size()];
        double[][] series = new double[columns][rows.size()];
        boolean[] labels = new boolean[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            times[r] = TEP_START + r * TEP_SAMPLE_MS;
            labels[r] = fault && r >= TEP_NORMAL_SAMPLES;
            for (int c = 0; c < columns; c++) {
                series[c][r] = rows.get(r)[c];
            }
        }
        return new LabelledFile(name, times, series, labels);
    }

    private static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}

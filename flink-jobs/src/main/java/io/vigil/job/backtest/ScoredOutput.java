package io.vigil.job.backtest;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Reading;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the scored rows: per input, one output row per input row in input order, with the input's own columns
 * first, then {@code anomaly_score} and, per rule, {@code phase_<rule>} (NORMAL when no incident is open) and
 * {@code incident_<rule>}. A rejected row keeps its line with the scored columns empty.
 */
public final class ScoredOutput {
    public static final String SCORE = "anomaly_score";
    /** Quotes a cell only when it needs it, so plain cells read back exactly as the input had them. */
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

    private ScoredOutput() {}

    /** One input's scored rows to {@code file}. */
    public static void writeFile(BacktestResult result, int input, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer out = Files.newBufferedWriter(file)) {
            write(result, input, result.timeline(), out);
        }
    }

    /** Every input to {@code dir}, each under its own relative path and name. */
    public static List<Path> writeDirectory(BacktestResult result, Path dir) throws IOException {
        IncidentTimeline timeline = result.timeline();
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < result.inputs().size(); i++) {
            Path file = dir.resolve(result.inputs().get(i).name());
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(file)) {
                write(result, i, timeline, out);
            }
            written.add(file);
        }
        return written;
    }

    static void write(BacktestResult result, int input, IncidentTimeline timeline, Writer out) throws IOException {
        SeriesFile in = result.inputs().get(input);
        List<String> rules = result.ruleIds();
        int width = in.header().size();
        try (SequenceWriter rows = CSV.writerFor(String[].class).with(CsvSchema.emptySchema()).writeValues(out)) {
            List<String> header = new ArrayList<>(in.header());
            header.add(SCORE);
            for (String rule : rules) {
                header.add("phase_" + rule);
                header.add("incident_" + rule);
            }
            rows.write(header.toArray(String[]::new));
            double[] scores = result.scores()[input];
            for (int r = 0; r < in.rows(); r++) {
                String[] row = Arrays.copyOf(in.cells().get(r), width + 1 + 2 * rules.size());
                Arrays.fill(row, Math.min(in.cells().get(r).length, width), row.length, "");
                Reading reading = in.readings().get(r);
                if (reading != null) {
                    row[width] = Double.isNaN(scores[r]) ? "" : Double.toString(scores[r]);
                    for (int k = 0; k < rules.size(); k++) {
                        Alert a = timeline.at(rules.get(k), reading.deviceId(), reading.metric(), reading.eventTime());
                        row[width + 1 + 2 * k] = a == null ? Phase.NORMAL.name() : a.phase().name();
                        row[width + 2 + 2 * k] = a == null ? "" : a.incidentId();
                    }
                }
                rows.write(row);
            }
        }
    }
}

package io.vigil.job.backtest;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads one CSV file of readings. The header names the columns (case and surrounding spaces do not matter):
 * {@code timestamp} and {@code value} are required; {@code device}, {@code metric}, {@code site}, {@code zone},
 * {@code unit} are used when present (a missing device is the file name without {@code .csv}, a missing metric the
 * default metric); any other column is carried through to the output untouched.
 *
 * <p>A bad row (unreadable time or value, missing cells) is rejected with a {@link RowProblem} naming file, line
 * and column; the other rows still run. A file without a usable header is an {@link InvalidInputException}.
 */
public final class CsvInput {
    public static final String TIMESTAMP = "timestamp";
    public static final String VALUE = "value";
    public static final String DEVICE = "device";
    public static final String METRIC = "metric";
    private static final ObjectReader ROWS = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY, CsvParser.Feature.SKIP_EMPTY_LINES, CsvParser.Feature.TRIM_SPACES)
            .build().readerFor(String[].class);

    private CsvInput() {}

    /** @param name the file's name in messages and output: its path relative to the input */
    public static SeriesFile read(Path file, String name, String defaultMetric) {
        List<String[]> cells = new ArrayList<>();
        List<Reading> readings = new ArrayList<>();
        List<RowProblem> problems = new ArrayList<>();
        String[] header;
        try (MappingIterator<String[]> rows = ROWS.readValues(Files.newBufferedReader(file))) {
            if (!rows.hasNext()) {
                throw new InvalidInputException(name + ": empty; expected a header such as timestamp,value or "
                        + "timestamp,device,metric,value");
            }
            header = rows.next();
            Columns columns = Columns.of(header, name, stem(file), defaultMetric);
            while (true) {
                long line = rows.getCurrentLocation().getLineNr();
                if (!rows.hasNext()) {
                    break;
                }
                String[] row = rows.next();
                cells.add(row);
                try {
                    readings.add(columns.reading(row));
                } catch (BadCell bad) {
                    readings.add(null);
                    problems.add(bad.at(name, line, header));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException(name + ": cannot read CSV: " + e.getMessage(), e);
        }
        return new SeriesFile(name, List.of(header), cells, readings, problems);
    }

    static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
    }

    /** Where each known column is (-1: absent) and what stands in for an absent device or metric. */
    private record Columns(int timestamp, int value, int device, int metric, int site, int zone, int unit,
                           String defaultDevice, String defaultMetric, int width) {
        static Columns of(String[] header, String name, String defaultDevice, String defaultMetric) {
            List<String> names = Arrays.stream(header).map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
            int ts = names.indexOf(TIMESTAMP);
            int value = names.indexOf(VALUE);
            if (ts < 0 || value < 0) {
                throw new InvalidInputException(name + ":1: the header " + String.join(",", header) + " has no "
                        + (ts < 0 ? TIMESTAMP : VALUE) + " column; expected timestamp,value or "
                        + "timestamp,device,metric,value (more columns allowed)");
            }
            return new Columns(ts, value, names.indexOf(DEVICE), names.indexOf(METRIC), names.indexOf("site"),
                    names.indexOf("zone"), names.indexOf("unit"), defaultDevice, defaultMetric, header.length);
        }

        Reading reading(String[] row) throws BadCell {
            if (row.length < width) {
                throw new BadCell(-1, "has " + row.length + " cells, the header has " + width);
            }
            long t;
            try {
                t = Timestamps.parse(row[timestamp]);
            } catch (DateTimeParseException e) {
                throw new BadCell(timestamp, "'" + row[timestamp] + "' is neither ISO-8601 nor yyyy-MM-dd HH:mm:ss");
            }
            double v;
            try {
                v = Double.parseDouble(row[value]);
            } catch (NumberFormatException e) {
                throw new BadCell(value, "'" + row[value] + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw new BadCell(value, "'" + row[value] + "' is not a finite number");
            }
            String dev = text(row, device, defaultDevice);
            String met = text(row, metric, defaultMetric);
            return new Reading(dev, text(row, site, null), text(row, zone, null), met, v, text(row, unit, null), t, 0L,
                    Protocol.FILE);
        }

        private static String text(String[] row, int column, String absent) throws BadCell {
            if (column < 0) {
                return absent;
            }
            if (row[column].isEmpty()) {
                if (absent != null) {
                    throw new BadCell(column, "is empty");
                }
                return null;
            }
            return row[column];
        }
    }

    /** A cell (column index, 0-based; -1 for the row) that cannot become part of a reading. */
    private static final class BadCell extends Exception {
        private static final long serialVersionUID = 1L;
        private final int column;

        BadCell(int column, String message) {
            super(message, null, false, false);
            this.column = column;
        }

        RowProblem at(String file, long line, String[] header) {
            String columnName = column >= 0 && column < header.length ? header[column].strip() : "";
            return new RowProblem(file, line, column + 1, columnName, getMessage());
        }
    }
}

package io.vigil.job.backtest;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
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
import java.util.regex.Pattern;

/**
 * Reads one delimited file of readings, in any of the layouts people export (docs/backtest.md):
 * <ul>
 *   <li><b>long</b> and <b>narrow</b>: a header naming the columns (case and surrounding spaces do not matter) with
 *       {@code timestamp} (or a name exports use for it: {@link #TIME_NAMES}) and {@code value}; {@code device}, {@code metric}, {@code site}, {@code zone}, {@code unit}
 *       are used when present (a missing device is the file name without {@code .csv}, a missing metric the default
 *       metric); any other column, such as a {@code label} or {@code anomaly} column, is carried through to the
 *       output untouched, never scored;</li>
 *   <li><b>wide</b>: a {@code timestamp} column and one column per sensor (the column name is the metric, the file
 *       name the device); a {@code label} or {@code anomaly} column is carried through. It is read as long rows,
 *       one per sensor reading ({@code timestamp,device,metric,value[,label]}), and written out that way; an empty
 *       sensor cell is no reading;</li>
 *   <li>without a header: the first column is the time; two columns are {@code timestamp,value}, more are sensors
 *       named {@code column2}, {@code column3}, ...</li>
 * </ul>
 * The delimiter is a comma, a semicolon or whitespace, whichever the first line uses (in that order).
 *
 * <p>A bad row (unreadable time or value, missing cells) is rejected with a {@link RowProblem} naming file, line
 * and column; the other rows still run. A file without a usable header is an {@link InvalidInputException}.
 */
public final class CsvInput {
    public static final String TIMESTAMP = "timestamp";
    public static final String VALUE = "value";
    public static final String DEVICE = "device";
    public static final String METRIC = "metric";
    /** Columns that label readings for evaluation: carried through, never a sensor. */
    static final List<String> LABELS = List.of("label", "anomaly");
    /** Names exports give the time column (Grafana and InfluxDB: {@code time}, {@code _time}); read as timestamp. */
    static final List<String> TIME_NAMES = List.of(TIMESTAMP, "time", "_time", "datetime", "date_time", "ts");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private CsvInput() {}

    /** One input line: its 1-based line number and its cells. */
    private record Line(long number, String[] cells) {}

    /** @param name the file's name in messages and output: its path relative to the input */
    public static SeriesFile read(Path file, String name, String defaultMetric) {
        List<Line> table = table(file, name);
        if (table.isEmpty()) {
            throw new InvalidInputException(name + ": empty; expected a header such as timestamp,value or "
                    + "timestamp,device,metric,value");
        }
        String[] first = table.get(0).cells();
        String[] header;
        List<Line> data;
        if (isTime(first[0]) || isNumber(first[0])) {
            if (!isTime(first[0])) {
                throw new InvalidInputException(name + ":1: no header, and the first column is not a time: "
                        + "expected timestamp,value or a header such as timestamp,sensor1,sensor2");
            }
            header = new String[first.length];
            header[0] = TIMESTAMP;
            for (int i = 1; i < header.length; i++) {
                header[i] = first.length == 2 ? VALUE : "column" + (i + 1);
            }
            data = table;
        } else {
            header = timeColumnNamed(first);
            data = table.subList(1, table.size());
        }
        List<String> names = Arrays.stream(header).map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        if (names.contains(TIMESTAMP) && !names.contains(VALUE)) {
            return wide(name, header, names, data, stem(file), defaultMetric);
        }
        return rows(name, header, data, Columns.of(header, name, stem(file), defaultMetric));
    }

    /** The header with its first column named like a time (see {@link #TIME_NAMES}) called {@code timestamp}. */
    private static String[] timeColumnNamed(String[] header) {
        String[] named = header.clone();
        for (int i = 0; i < named.length; i++) {
            String n = named[i].strip().toLowerCase(Locale.ROOT);
            if (TIME_NAMES.contains(n)) {
                named[i] = n.equals(TIMESTAMP) ? named[i] : TIMESTAMP;
                break;
            }
        }
        return named;
    }

    private static SeriesFile rows(String name, String[] header, List<Line> data, Columns columns) {
        List<String[]> cells = new ArrayList<>();
        List<Reading> readings = new ArrayList<>();
        List<RowProblem> problems = new ArrayList<>();
        for (Line line : data) {
            cells.add(line.cells());
            try {
                readings.add(columns.reading(line.cells()));
            } catch (BadCell bad) {
                readings.add(null);
                problems.add(bad.at(name, line.number(), header));
            }
        }
        return new SeriesFile(name, List.of(header), cells, readings, problems);
    }

    /** A wide table as long rows: one per non-empty sensor cell, in row order, then column order. */
    private static SeriesFile wide(String name, String[] header, List<String> names, List<Line> data, String device,
                                   String defaultMetric) {
        int time = names.indexOf(TIMESTAMP);
        int label = -1;
        List<Integer> sensors = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (LABELS.contains(names.get(i))) {
                label = i;
            } else if (i != time) {
                sensors.add(i);
            }
        }
        List<String> longHeader = new ArrayList<>(List.of(TIMESTAMP, DEVICE, METRIC, VALUE));
        if (label >= 0) {
            longHeader.add(header[label].strip());
        }
        String[] asLong = longHeader.toArray(String[]::new);
        List<Line> rows = new ArrayList<>();
        for (Line line : data) {
            String[] c = line.cells();
            if (c.length < header.length) {
                rows.add(new Line(line.number(), c)); // rejected below with the usual message
                continue;
            }
            for (int sensor : sensors) {
                if (c[sensor].isBlank()) {
                    continue;
                }
                String[] row = new String[asLong.length];
                row[0] = c[time];
                row[1] = device;
                row[2] = header[sensor].strip();
                row[3] = c[sensor];
                if (label >= 0) {
                    row[4] = c[label];
                }
                rows.add(new Line(line.number(), row));
            }
        }
        return rows(name, asLong, rows, Columns.of(asLong, name, device, defaultMetric));
    }

    /** The file's lines split by the delimiter its first line uses; blank lines are skipped. */
    private static List<Line> table(Path file, String name) {
        List<String> text;
        try {
            text = Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(name + ": cannot read: " + e.getMessage(), e);
        }
        String firstLine = text.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        char delimiter = firstLine.indexOf(',') >= 0 ? ',' : firstLine.indexOf(';') >= 0 ? ';' : ' ';
        List<Line> out = new ArrayList<>();
        if (delimiter == ' ') {
            for (int i = 0; i < text.size(); i++) {
                if (!text.get(i).isBlank()) {
                    out.add(new Line(i + 1, WHITESPACE.split(text.get(i).strip())));
                }
            }
            return out;
        }
        ObjectReader reader = CsvMapper.builder()
                .enable(CsvParser.Feature.WRAP_AS_ARRAY, CsvParser.Feature.SKIP_EMPTY_LINES, CsvParser.Feature.TRIM_SPACES)
                .build().readerFor(String[].class).with(CsvSchema.emptySchema().withColumnSeparator(delimiter));
        try (MappingIterator<String[]> rows = reader.readValues(String.join("\n", text))) {
            while (true) {
                long line = rows.getCurrentLocation().getLineNr();
                if (!rows.hasNext()) {
                    break;
                }
                String[] row = rows.next();
                out.add(new Line(out.isEmpty() ? 1 : line, row));
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(name + ": cannot read CSV: " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean isTime(String cell) {
        try {
            Timestamps.parse(cell);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isNumber(String cell) {
        try {
            Double.parseDouble(cell.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** File name endings read as input from a directory, and stripped to name a device. */
    static final List<String> EXTENSIONS = List.of(".csv", ".tsv", ".txt", ".dat");

    static String stem(Path file) {
        String n = file.getFileName().toString();
        String lower = n.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().filter(lower::endsWith).findFirst()
                .map(e -> n.substring(0, n.length() - e.length())).orElse(n);
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
                        + (ts < 0 ? TIMESTAMP : VALUE) + " column; expected timestamp,value, "
                        + "timestamp,device,metric,value or timestamp and one column per sensor");
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
                throw new BadCell(timestamp, "'" + row[timestamp] + "' is not a time (" + Timestamps.FORMS + ")");
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

package io.vigil.job.backtest;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * {@code --influx-url}: the readings the live job stored in InfluxDB ({@code readings} measurement, field
 * {@code value}, tags {@code device metric site zone unit}) from {@code from} (inclusive) to {@code to}
 * (exclusive), optionally narrowed by an InfluxQL condition on the tags such as
 * {@code "device" =~ /^gauge-/ AND "metric" = 'water_level'}. The rows come series by series, each in time
 * order; that is their input order in the output.
 *
 * @param where an InfluxQL condition, or null for every series
 */
public record InfluxRange(String url, String database, String measurement, String where, Instant from, Instant to) {
    static final List<String> TAGS = List.of("device", "metric", "site", "zone", "unit");

    public InfluxRange {
        if (!from.isBefore(to)) {
            throw new InvalidInputException("InfluxDB range: --from " + from + " must be before --to " + to);
        }
    }

    public String query() {
        return "SELECT \"value\" FROM \"" + measurement.replace("\"", "\\\"") + "\" WHERE time >= '" + from
                + "' AND time < '" + to + "'" + (where == null || where.isBlank() ? "" : " AND (" + where + ")")
                + " GROUP BY " + String.join(",", TAGS.stream().map(t -> "\"" + t + "\"").toList());
    }

    /** The range as one input named {@code influx:<database>}, columns timestamp, device, metric, site, zone, unit, value. */
    public SeriesFile read() {
        String name = "influx:" + database;
        QueryResult answer;
        try (InfluxDB influx = InfluxDBFactory.connect(url)) {
            answer = influx.query(new Query(query(), database), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            throw new InvalidInputException(name + ": cannot query " + url + ": " + e.getMessage(), e);
        }
        if (answer.hasError()) {
            throw new InvalidInputException(name + ": " + answer.getError() + " in " + query());
        }
        List<String[]> cells = new ArrayList<>();
        List<Reading> readings = new ArrayList<>();
        for (QueryResult.Result result : answer.getResults()) {
            if (result.hasError()) {
                throw new InvalidInputException(name + ": " + result.getError() + " in " + query());
            }
            for (QueryResult.Series series : result.getSeries() == null ? List.<QueryResult.Series>of() : result.getSeries()) {
                Map<String, String> tags = series.getTags() == null ? Map.of() : series.getTags();
                String device = blankToNull(tags.get("device"));
                String metric = blankToNull(tags.get("metric"));
                if (device == null || metric == null) {
                    continue; // not a series the job wrote: it would have both tags
                }
                int timeAt = series.getColumns().indexOf("time");
                int valueAt = series.getColumns().indexOf("value");
                for (List<Object> row : series.getValues()) {
                    if (!(row.get(valueAt) instanceof Number value)) {
                        continue;
                    }
                    long time = ((Number) row.get(timeAt)).longValue();
                    String[] line = {Instant.ofEpochMilli(time).toString(), device, metric, tag(tags, "site"),
                            tag(tags, "zone"), tag(tags, "unit"), Double.toString(value.doubleValue())};
                    cells.add(line);
                    readings.add(new Reading(device, blankToNull(line[3]), blankToNull(line[4]), metric,
                            value.doubleValue(), blankToNull(line[5]), time, 0L, Protocol.FILE));
                }
            }
        }
        List<String> header = new ArrayList<>(List.of(CsvInput.TIMESTAMP));
        header.addAll(TAGS);
        header.add(CsvInput.VALUE);
        return new SeriesFile(name, header, cells, readings, List.of());
    }

    private static String tag(Map<String, String> tags, String name) {
        String v = tags.get(name);
        return v == null ? "" : v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

package io.vigil.app.incidents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/** Reads the {@code incidents} measurement the job writes, oldest first. */
public final class IncidentHistory implements AutoCloseable {
    public static final String MEASUREMENT = "incidents";

    private final InfluxDB influx;
    private final String database;

    public IncidentHistory(String influxUrl, String database) {
        this.influx = InfluxDBFactory.connect(influxUrl);
        this.database = database;
    }

    /** Every transition within the last {@code since}. */
    public List<IncidentPoint> since(Duration since) {
        return run(new Query("SELECT * FROM " + MEASUREMENT + " WHERE time > now() - " + since.toMillis()
                + "ms ORDER BY time ASC", database));
    }

    /** Every transition of one incident; empty if there is none. */
    public List<IncidentPoint> of(String incidentId) {
        return run(BoundParameterQuery.QueryBuilder
                .newQuery("SELECT * FROM " + MEASUREMENT + " WHERE incident = $id ORDER BY time ASC")
                .forDatabase(database).bind("id", incidentId).create());
    }

    private List<IncidentPoint> run(Query query) {
        QueryResult result = influx.query(query, TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            throw new IllegalStateException("InfluxDB: " + result.getError());
        }
        List<IncidentPoint> points = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new IllegalStateException("InfluxDB: " + r.getError());
            }
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series s : r.getSeries()) {
                List<String> columns = s.getColumns();
                for (List<Object> row : s.getValues()) {
                    Map<String, Object> values = new HashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        if (row.get(i) != null) {
                            values.put(columns.get(i), row.get(i));
                        }
                    }
                    long time = ((Number) values.remove("time")).longValue();
                    points.add(new IncidentPoint(time, values));
                }
            }
        }
        return points;
    }

    @Override
    public void close() {
        influx.close();
    }
}

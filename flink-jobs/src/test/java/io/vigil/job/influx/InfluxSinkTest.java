package io.vigil.job.influx;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.serde.Json;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.stack.InfluxServer;
import io.vigil.stack.LocalStack;
import io.vigil.job.http.AsyncHttp;
import io.vigil.job.http.HttpOutcome;
import io.vigil.job.http.TaskThread;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The InfluxDB sink against a real InfluxDB 1.x. */
@Tag("servers")
class InfluxSinkTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    @TempDir
    static Path dir;
    static LocalStack stack;
    static InfluxServer influx;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, INFLUX).start();
        influx = stack.influx;
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void writesEveryReadingOnceAndAReplayOverwritesInsteadOfDuplicating() throws Exception {
        List<Reading> readings = new ArrayList<>();
        for (int device = 0; device < 10; device++) {
            for (int i = 0; i < 120; i++) {
                readings.add(new Reading("dev-" + device, "site a", "zone,1", "water_level", device + i / 100.0,
                        "m", 1_700_000_000_000L + i * 1000L, 0, Protocol.MQTT));
            }
        }
        readings.add(new Reading("dev-nan", null, null, "water_level", Double.NaN, null, 1_700_000_000_000L, 0, null));
        InfluxSettings settings = settings("replay", 250);

        runJob(readings, settings);
        assertThat(count("replay", "readings")).isEqualTo(1200);
        runJob(readings, settings);
        assertThat(count("replay", "readings")).isEqualTo(1200);

        String tagged = influx.query("replay", "SELECT value FROM readings WHERE device = 'dev-3' AND zone = 'zone,1' "
                + "AND site = 'site a' AND metric = 'water_level' AND unit = 'm' ORDER BY time DESC LIMIT 1");
        assertThat(values(tagged).get(0).get(1).asDouble()).isEqualTo(3 + 119 / 100.0);
    }

    @Test
    void readingsOfOneSeriesInOneMillisecondStayDistinctPointsAndTheirScoresJoinThem() throws Exception {
        List<Reading> readings = new ArrayList<>();
        long ms = 1_700_000_000_000L;
        for (int i = 0; i < 25; i++) {
            // as the gateway stamps readings without a time of their own: the receive ms plus a unique part
            readings.add(new Reading("dev-1", "site a", "zone,1", "water_level", i, "m", ms, ms, Protocol.MQTT,
                    null, 1 + i * 1000));
        }
        InfluxSettings settings = settings("burst", 10);

        runJob(readings, settings);
        assertThat(count("burst", "readings")).isEqualTo(25);
        runJob(readings, settings);
        assertThat(count("burst", "readings")).as("a replay overwrites its points").isEqualTo(25);

        List<AnomalyScore> scores = readings.stream().map(r -> new AnomalyScore(r.deviceId(), r.site(), r.zone(),
                r.metric(), r.eventTime(), r.value(), 0.5, r.unit(), r.eventNanos())).toList();
        run(scores, AnomalyScore.class, new InfluxSink<>(settings, LineFormats.anomalyScores()));
        List<JsonNode> rows = values(influx.query("burst", "SELECT value, anomaly_score FROM readings ORDER BY time"));
        assertThat(rows).hasSize(25).allSatisfy(row -> {
            assertThat(row.get(1).isNumber()).as("value in %s", row).isTrue();
            assertThat(row.get(2).asDouble()).as("anomaly_score in %s", row).isEqualTo(0.5);
        });
    }

    @Test
    void anomalyScoresLandInTheReadingsOwnPointsNextToTheValue() throws Exception {
        List<Reading> readings = new ArrayList<>();
        // in time order, as a live stream would be: each series is scored in its own order
        for (int i = 0; i < 60; i++) {
            for (int device = 0; device < 3; device++) {
                readings.add(new Reading("dev-" + device, "site a", "zone,1", "water_level",
                        2 + device + 0.01 * Math.sin(i), "m", 1_700_000_000_000L + i * 60_000L, 0, Protocol.MQTT));
            }
        }
        InfluxSettings settings = settings("scores", 50);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TypeInformation<Reading> type = TypeInformation.of(Reading.class);
        io.vigil.job.VigilJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                        readings.toArray(Reading[]::new)), readings.size(), type),
                io.vigil.job.VigilJob.watermarks(Duration.ofSeconds(1), Duration.ofSeconds(10)), null,
                new InfluxSink<>(settings, LineFormats.readings()), new InfluxSink<>(settings, LineFormats.anomalyScores()),
                List.of(), List.of(), io.vigil.job.rules.RuleSet.of());
        // one reader, as one Kafka partition per device: two generator readers would split each series
        io.vigil.job.InOrderReplay.oneReader(env, io.vigil.job.VigilJob.READINGS_SOURCE);
        env.execute("influx-scores-test");

        List<JsonNode> rows = values(influx.query("scores", "SELECT value, anomaly_score FROM readings "
                + "WHERE device = 'dev-1' AND site = 'site a' AND zone = 'zone,1' AND unit = 'm' ORDER BY time"));
        assertThat(rows).hasSize(60).allSatisfy(row -> {
            assertThat(row.get(1).isNumber()).as("value in %s", row).isTrue();
            assertThat(row.get(2).isNumber()).as("anomaly_score in %s", row).isTrue();
        });
        assertThat(rows.get(0).get(1).asDouble()).isEqualTo(3.0);
        assertThat(rows.get(0).get(2).asDouble()).as("the first reading: no opinion yet").isZero();
        // one series per device: the scores did not create series of their own
        String series = influx.query("scores", "SHOW SERIES FROM readings");
        assertThat(values(series)).hasSize(3);
    }

    @Test
    void keepsPointsWhileInfluxIsDownAndWritesThemWhenItIsBack() throws Exception {
        try (TaskThread task = new TaskThread()) {
            InfluxSink<Reading> sink = new InfluxSink<>(settings("outage", 250), LineFormats.readings());
            var writer = sink.createWriter(task);
            task.runUntil(() -> exists("outage"), Duration.ofSeconds(20));
            influx.close();
            try {
                for (int i = 0; i < 500; i++) {
                    writer.write(new Reading("dev-1", null, null, "level", i, "m", 1_700_000_000_000L + i, 0, null), null);
                }
                task.runUntil(() -> task.count("influxWriteErrors") >= 2, Duration.ofSeconds(20));
                assertThat(task.count("influxPointsWritten")).isZero();
            } finally {
                influx.start();
            }
            task.runUntil(() -> task.count("influxPointsWritten") == 500, Duration.ofSeconds(30));
            assertThat(count("outage", "readings")).isEqualTo(500);
        }
    }

    @Test
    void aWriteInfluxRejectsFailsTheTaskAtOnceWithItsAnswer() throws Exception {
        try (TaskThread task = new TaskThread()) {
            InfluxSink<String> sink = new InfluxSink<>(settings("rejects", 2), line -> line);
            var writer = sink.createWriter(task);
            writer.write("readings value=\"text\" 1700000000000", null);
            writer.write("readings value=1.5 1700000000001", null); // float after string in one batch: type conflict
            assertThatThrownBy(() -> task.runUntil(() -> false, Duration.ofSeconds(20)))
                    .rootCause().isInstanceOf(InfluxSinkWriter.InfluxRejectedException.class)
                    .hasMessageContaining("HTTP 400")
                    .hasMessageContaining("field type conflict");
            assertThat(task.count("influxWriteErrors")).isEqualTo(1);
        }
    }

    @Test
    void outcomesAreClassifiedByStatus() {
        assertThat(HttpOutcome.of(204)).isEqualTo(HttpOutcome.OK);
        assertThat(HttpOutcome.of(500)).isEqualTo(HttpOutcome.RETRY);
        assertThat(HttpOutcome.of(503)).isEqualTo(HttpOutcome.RETRY);
        assertThat(HttpOutcome.of(429)).isEqualTo(HttpOutcome.RETRY);
        assertThat(HttpOutcome.of(400)).isEqualTo(HttpOutcome.FATAL);
        assertThat(HttpOutcome.of(404)).isEqualTo(HttpOutcome.FATAL);
    }

    @Test
    void noAnswerAtAllIsARetry() throws Exception {
        java.net.URI nobody = java.net.URI.create("http://127.0.0.1:" + io.vigil.stack.FreePorts.tcp() + "/write");
        AsyncHttp.Answer answer = new AsyncHttp(Duration.ofSeconds(2))
                .send(java.net.http.HttpRequest.newBuilder(nobody).build()).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.outcome()).as(answer.detail()).isEqualTo(HttpOutcome.RETRY);
    }

    static void runJob(List<Reading> readings, InfluxSettings settings) throws Exception {
        run(readings, Reading.class, new InfluxSink<>(settings, LineFormats.readings()));
    }

    static <T> void run(List<T> records, Class<T> recordClass, InfluxSink<T> sink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TypeInformation<T> type = TypeInformation.of(recordClass);
        @SuppressWarnings("unchecked")
        T[] elements = records.toArray((T[]) java.lang.reflect.Array.newInstance(recordClass, 0));
        env.fromSource(new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type, elements), records.size(),
                        type), WatermarkStrategy.noWatermarks(), "records")
                .sinkTo(sink);
        env.execute("influx-sink-test");
    }

    static boolean exists(String db) {
        try {
            return influx.query(db, "SHOW DATABASES").contains("\"" + db + "\"");
        } catch (Exception e) {
            return false;
        }
    }

    static InfluxSettings settings(String db, int batchSize) {
        return new InfluxSettings(influx.url(), db, batchSize, Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    static long count(String db, String measurement) throws Exception {
        List<JsonNode> rows = values(influx.query(db, "SELECT count(value) FROM " + measurement));
        return rows.isEmpty() ? 0 : rows.get(0).get(1).asLong();
    }

    /** The rows of the first series of an InfluxQL answer. */
    static List<JsonNode> values(String answer) throws Exception {
        JsonNode series = Json.mapper().readTree(answer).path("results").path(0).path("series").path(0);
        List<JsonNode> rows = new ArrayList<>();
        series.path("values").forEach(rows::add);
        return rows;
    }
}

package io.vigil.job.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vigil.job.http.ScriptedHttpServer;
import io.vigil.job.http.ScriptedHttpServer.Request;
import io.vigil.job.http.TaskThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The InfluxDB sink's writer against a scripted HTTP server: what each answer does, and that nothing waits on it. */
class InfluxSinkWriterTest {
    static final LineFormat<String> LINES = line -> line.startsWith("bad") ? null : line;
    ScriptedHttpServer influx;

    @BeforeEach
    void start() throws Exception {
        influx = new ScriptedHttpServer("/write");
    }

    @AfterEach
    void stop() {
        influx.close();
    }

    @Test
    void aWriteWaitingForInfluxDoesNotHoldTheTaskThreadAndA503SendsTheBatchAgainFirst() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (TaskThread task = new TaskThread()) {
                InfluxSinkWriter<String> writer = writer(task, 10, Duration.ofMinutes(1));
                influx.answer(ScriptedHttpServer.HOLD);
                write(writer, 0, 10); // a full batch: its request goes out and is held unanswered
                task.runUntil(() -> writer.snapshotState(1).get(0).getBufferedRequestEntries().isEmpty(),
                        Duration.ofSeconds(5));
                write(writer, 10, 30); // the task keeps taking records while the request waits
                assertThat(writer.snapshotState(1).get(0).getBufferedRequestEntries()).hasSize(20);
                influx.release(503);
                task.runUntil(() -> task.count("influxPointsWritten") == 30, Duration.ofSeconds(10));

                List<Request> writes = influx.requests();
                assertThat(writes).extracting(Request::status).containsExactly(503, 204, 204, 204);
                assertThat(writes.get(1).body()).as("the refused batch goes first").isEqualTo(writes.get(0).body());
                assertThat(lines(writes.subList(1, writes.size()))).containsExactlyElementsOf(points(0, 30));
                assertThat(task.count("influxWriteErrors")).isEqualTo(1);
            }
        });
    }

    @Test
    void retriesWaitABackoffThatGrowsAndEndOnceInfluxTakesTheBatch() throws Exception {
        try (TaskThread task = new TaskThread()) {
            InfluxSinkWriter<String> writer = writer(task, 5, Duration.ofMinutes(1));
            influx.answer(503, 429, 500);
            write(writer, 0, 5);
            task.runUntil(() -> task.count("influxPointsWritten") == 5, Duration.ofSeconds(10));

            List<Request> writes = influx.requests();
            assertThat(writes).extracting(Request::status).containsExactly(503, 429, 500, 204);
            for (int i = 1; i < writes.size(); i++) {
                assertThat(writes.get(i).at() - writes.get(i - 1).at()).as("wait before attempt %d", i + 1)
                        .isGreaterThanOrEqualTo(InfluxSinkWriter.RETRY.after(i).toMillis());
            }
            assertThat(task.count("influxWriteErrors")).isEqualTo(3);
        }
    }

    @Test
    void aRequestInfluxRefusesFailsTheTaskWithItsAnswer() throws Exception {
        try (TaskThread task = new TaskThread()) {
            InfluxSinkWriter<String> writer = writer(task, 5, Duration.ofMinutes(1));
            influx.answer(400);
            write(writer, 0, 5);
            assertThatThrownBy(() -> task.runUntil(() -> false, Duration.ofSeconds(10)))
                    .rootCause().isInstanceOf(InfluxSinkWriter.InfluxRejectedException.class)
                    .hasMessageContaining("refused the write of 5 points to vigil")
                    .hasMessageContaining("HTTP 400").hasMessageContaining("scripted 400");
            assertThat(influx.requests()).hasSize(1);
        }
    }

    @Test
    void anOutageLongerThanTheRetryTimeoutFailsTheTask() throws Exception {
        try (TaskThread task = new TaskThread()) {
            InfluxSinkWriter<String> writer = writer(task, 5, Duration.ofMillis(300));
            influx.answer(503, 503, 503, 503, 503, 503, 503, 503);
            write(writer, 0, 5);
            assertThatThrownBy(() -> task.runUntil(() -> false, Duration.ofSeconds(10)))
                    .rootCause().hasMessageContaining("InfluxDB still failing after PT0.3S")
                    .hasMessageContaining("HTTP 503");
        }
    }

    @Test
    void aCheckpointWritesEverythingTheWriterHoldsAndSkipsWhatCannotBeStored() throws Exception {
        try (TaskThread task = new TaskThread()) {
            InfluxSinkWriter<String> writer = writer(task, 100, Duration.ofMinutes(1));
            write(writer, 0, 3);
            writer.write("bad point", null);
            writer.write("level,device=huge text=\"" + "x".repeat((int) InfluxSink.MAX_POINT_BYTES) + "\"", null);
            writer.flush(false); // as before a checkpoint barrier
            assertThat(lines(influx.requests())).containsExactlyElementsOf(points(0, 3));
            assertThat(writer.snapshotState(1).get(0).getBufferedRequestEntries()).isEmpty();
            assertThat(task.count("influxPointsSkipped")).isEqualTo(2);
        }
    }

    @Test
    void pointsInACheckpointAreWrittenAfterARestore() throws Exception {
        try (TaskThread task = new TaskThread()) {
            InfluxSink<String> sink = new InfluxSink<>(settings(100, Duration.ofMinutes(1)), LINES);
            var serializer = sink.getWriterStateSerializer();
            InfluxSinkWriter<String> before = (InfluxSinkWriter<String>) sink.createWriter(task);
            write(before, 0, 3);
            byte[] state = serializer.serialize(before.snapshotState(1).get(0));

            var after = sink.restoreWriter(task, List.of(serializer.deserialize(serializer.getVersion(), state)));
            after.flush(false);
            assertThat(lines(influx.requests())).containsExactlyElementsOf(points(0, 3));
        }
    }

    InfluxSinkWriter<String> writer(TaskThread task, int batchSize, Duration retryTimeout) {
        return (InfluxSinkWriter<String>) new InfluxSink<>(settings(batchSize, retryTimeout), LINES).createWriter(task);
    }

    InfluxSettings settings(int batchSize, Duration retryTimeout) {
        return new InfluxSettings(influx.url(), "vigil", batchSize, Duration.ofMinutes(1), retryTimeout);
    }

    static void write(InfluxSinkWriter<String> writer, int from, int to) throws Exception {
        for (String point : points(from, to)) {
            writer.write(point, null);
        }
    }

    static List<String> points(int from, int to) {
        List<String> points = new ArrayList<>();
        for (int i = from; i < to; i++) {
            points.add("level,device=d" + i + " value=" + i + " " + (1_700_000_000_000L + i));
        }
        return points;
    }

    static List<String> lines(List<Request> requests) {
        return requests.stream().filter(r -> r.status() / 100 == 2)
                .flatMap(r -> Arrays.stream(r.body().split("\n"))).toList();
    }
}

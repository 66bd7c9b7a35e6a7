package io.vigil.job.backtest;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.common.Reading;
import io.vigil.job.rules.RulesLoader;
import io.vigil.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Last month's stored readings replayed: a time range and a tag condition against a real InfluxDB. */
@Tag("servers")
class InfluxRangeTest {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    @TempDir
    Path dir;

    @Test
    void aRangeOfStoredSeriesIsReplayedSeriesBySeries() throws Exception {
        try (LocalStack stack = LocalStack.onFreePorts(dir.resolve("stack"), INFLUX).start()) {
            stack.influx.createDatabase("vigil");
            StringBuilder lines = new StringBuilder();
            for (int s = 0; s < 30; s++) {
                long t = T0.plusSeconds(s).toEpochMilli();
                lines.append("readings,device=gauge-1,site=delta,zone=river-north,metric=water_level,unit=m value=")
                        .append(s < 15 ? 3.0 : 4.5).append(' ').append(t).append('\n');
                lines.append("readings,device=gauge-2,site=delta,zone=river-north,metric=water_level,unit=m value=3.1 ")
                        .append(t).append('\n');
                lines.append("readings,device=gauge-1,site=delta,zone=river-north,metric=rain_rate value=0.5 ")
                        .append(t).append('\n');
            }
            HttpResponse<String> written = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(stack.influx.url() + "/write?db=vigil&precision=ms"))
                    .POST(HttpRequest.BodyPublishers.ofString(lines.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(written.statusCode()).isEqualTo(204);

            InfluxRange range = new InfluxRange(stack.influx.url(), "vigil", "readings", "\"metric\" = 'water_level'",
                    T0.plusSeconds(5), T0.plusSeconds(25));
            SeriesFile read = range.read();

            assertThat(read.header()).containsExactly("timestamp", "device", "metric", "site", "zone", "unit", "value");
            assertThat(read.rows()).isEqualTo(40);
            assertThat(read.readings()).extracting(Reading::deviceId).containsOnly("gauge-1", "gauge-2");
            assertThat(read.readings().subList(0, 20)).extracting(Reading::deviceId).containsOnly("gauge-1");
            assertThat(read.readings().get(0)).extracting(Reading::eventTime, Reading::zone, Reading::unit, Reading::value)
                    .containsExactly(T0.plusSeconds(5).toEpochMilli(), "river-north", "m", 3.0);
            assertThat(read.readings().get(19).eventTime()).isEqualTo(T0.plusSeconds(24).toEpochMilli());

            BacktestResult result = Backtest.run(List.of(read), new BacktestSettings(
                    RulesLoader.load(Path.of("..", "config", "rules.yaml")), Duration.ofSeconds(5), 1, null));
            assertThat(result.alerts()).extracting(a -> a.subject(), a -> a.phase().name(), a -> a.eventTime())
                    .startsWith(tuple("gauge-1", "PRE_WARNING", T0.plusSeconds(15).toEpochMilli()));
            Path out = dir.resolve("scored.csv");
            ScoredOutput.writeFile(result, 0, out);
            assertThat(BacktestTest.rows(out)).hasSize(41);
            assertThat(BacktestTest.rows(out).get(1)).startsWith(T0.plusSeconds(5).toString(), "gauge-1", "water_level");

            InfluxRange wrong = new InfluxRange(stack.influx.url(), "vigil", "readings", "\"metric\" = ", T0, T0.plusSeconds(1));
            assertThatThrownBy(wrong::read).isInstanceOf(InvalidInputException.class).hasMessageContaining("influx:vigil");
        }
    }
}

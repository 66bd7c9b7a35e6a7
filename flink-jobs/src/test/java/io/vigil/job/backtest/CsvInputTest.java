package io.vigil.job.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.common.Reading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvInputTest {
    static final long T0 = Instant.parse("2026-01-05T08:00:00Z").toEpochMilli();
    @TempDir
    Path dir;

    @Test
    void timestampValueFileTakesDeviceFromItsNameAndTheDefaultMetric() throws IOException {
        Path file = write("gauge-7.csv", """
                timestamp,value
                2026-01-05T08:00:00Z,4.25
                2026-01-05 08:00:01,4.5
                2026-01-05T09:00:02+01:00,4.75
                2026-01-05T08:00:03.250,5
                """);

        SeriesFile read = CsvInput.read(file, "gauge-7.csv", "water_level");

        assertThat(read.problems()).isEmpty();
        assertThat(read.readings()).extracting(Reading::deviceId, Reading::metric, Reading::eventTime, Reading::value)
                .containsExactly(tuple("gauge-7", "water_level", T0, 4.25), tuple("gauge-7", "water_level", T0 + 1000, 4.5),
                        tuple("gauge-7", "water_level", T0 + 2000, 4.75), tuple("gauge-7", "water_level", T0 + 3250, 5.0));
    }

    @Test
    void deviceAndMetricColumnsWinAndOtherColumnsAreKeptForTheOutput() throws IOException {
        Path file = write("mixed.csv", """
                Timestamp, Device ,metric,zone,note,value
                2026-01-05 08:00:00,g1,water_level,riverside,"calm, clear",1.5
                2026-01-05 08:00:00,g2,rain_rate,,,0.25
                """);

        SeriesFile read = CsvInput.read(file, "mixed.csv", "ignored");

        assertThat(read.header()).containsExactly("Timestamp", "Device", "metric", "zone", "note", "value");
        assertThat(read.cells().get(0)).containsExactly("2026-01-05 08:00:00", "g1", "water_level", "riverside",
                "calm, clear", "1.5");
        assertThat(read.readings()).extracting(Reading::deviceId, Reading::metric, Reading::zone, Reading::value)
                .containsExactly(tuple("g1", "water_level", "riverside", 1.5),
                        tuple("g2", "rain_rate", Reading.Defaults.ZONE, 0.25));
    }

    @Test
    void badRowsAreRejectedWithFileLineAndColumnAndTheOthersStay() throws IOException {
        Path file = write("bad.csv", """
                timestamp,device,metric,value
                2026-01-05 08:00:00,g1,level,1.0

                yesterday,g1,level,2.0
                2026-01-05 08:00:02,g1,level,high
                2026-01-05 08:00:03,g1,level
                2026-01-05 08:00:04,,level,3.0
                2026-01-05 08:00:05,g1,level,NaN
                2026-01-05 08:00:06,g1,level,6.0
                """);

        SeriesFile read = CsvInput.read(file, "sub/bad.csv", "level");

        assertThat(read.rows()).isEqualTo(7);
        assertThat(read.readings()).filteredOn(r -> r != null).extracting(Reading::value).containsExactly(1.0, 6.0);
        assertThat(read.problems()).extracting(RowProblem::toString).containsExactly(
                "sub/bad.csv:4: column 1 (timestamp): 'yesterday' is not a time (" + Timestamps.FORMS + ")",
                "sub/bad.csv:5: column 4 (value): 'high' is not a number",
                "sub/bad.csv:6: has 3 cells, the header has 4",
                "sub/bad.csv:7: column 2 (device): is empty",
                "sub/bad.csv:8: column 4 (value): 'NaN' is not a finite number");
    }

    @Test
    void aHeaderWithoutTimestampOrAnEmptyFileIsRefusedAsAWhole() throws IOException {
        Path noTime = write("notime.csv", "when,level\n2026-01-05 08:00:00,1\n");
        Path noTimeNoHeader = write("numbers.csv", "1.5 2.5\n1.6 2.4\n");
        Path empty = write("empty.csv", "");

        assertThatThrownBy(() -> CsvInput.read(noTime, "notime.csv", "m")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("notime.csv:1").hasMessageContaining("no timestamp column");
        assertThatThrownBy(() -> CsvInput.read(noTimeNoHeader, "numbers.csv", "m"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("numbers.csv:1: no header")
                .hasMessageContaining("not a time");
        assertThatThrownBy(() -> CsvInput.read(empty, "empty.csv", "m")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty.csv: empty");
    }

    @Test
    void narrowWithALabelScoresTheValueAndCarriesTheLabel() throws IOException {
        Path file = write("pump.csv", """
                timestamp,value,label
                2026-01-05T08:00:00Z,1.5,0
                2026-01-05T08:01:00Z,9.5,1
                """);

        SeriesFile read = CsvInput.read(file, "pump.csv", "flow");

        assertThat(read.header()).containsExactly("timestamp", "value", "label");
        assertThat(read.readings()).extracting(Reading::deviceId, Reading::metric, Reading::value)
                .containsExactly(tuple("pump", "flow", 1.5), tuple("pump", "flow", 9.5));
        assertThat(read.cells().get(1)).containsExactly("2026-01-05T08:01:00Z", "9.5", "1");
    }

    @Test
    void narrowWithoutHeaderIsTimestampAndValue() throws IOException {
        Path file = write("gauge.csv", "2026-01-05T08:00:00Z,4.25\n2026-01-05T08:00:01Z,4.5\n");

        SeriesFile read = CsvInput.read(file, "gauge.csv", "level");

        assertThat(read.problems()).isEmpty();
        assertThat(read.readings()).extracting(Reading::eventTime, Reading::value)
                .containsExactly(tuple(T0, 4.25), tuple(T0 + 1000, 4.5));
    }

    @Test
    void wideWithSemicolonsBecomesOneReadingPerSensorAndCarriesTheAnomalyColumn() throws IOException {
        Path file = write("plant.csv", """
                timestamp;pressure;temperature;anomaly
                2026-01-05 08:00:00;1.5;20.25;0
                2026-01-05 08:00:01;;20.5;1
                2026-01-05 08:00:02;1.75;hot;0
                """);

        SeriesFile read = CsvInput.read(file, "plant.csv", "ignored");

        assertThat(read.header()).containsExactly("timestamp", "device", "metric", "value", "anomaly");
        assertThat(read.rows()).as("the empty pressure cell is no reading").isEqualTo(5);
        assertThat(read.readings()).filteredOn(r -> r != null)
                .extracting(Reading::deviceId, Reading::metric, Reading::eventTime, Reading::value)
                .containsExactly(tuple("plant", "pressure", T0, 1.5), tuple("plant", "temperature", T0, 20.25),
                        tuple("plant", "temperature", T0 + 1000, 20.5), tuple("plant", "pressure", T0 + 2000, 1.75));
        assertThat(read.cells().get(2)).containsExactly("2026-01-05 08:00:01", "plant", "temperature", "20.5", "1");
        assertThat(read.problems()).extracting(RowProblem::toString)
                .containsExactly("plant.csv:4: column 4 (value): 'hot' is not a number");
    }

    @Test
    void wideWhitespaceWithoutHeaderNamesSensorsByColumn() throws IOException {
        Path file = write("te.dat", """
                2026-01-05T08:00:00Z   0.25   3657.0
                2026-01-05T08:03:00Z\t0.5\t3658.5
                """);

        SeriesFile read = CsvInput.read(file, "te.dat", "ignored");

        assertThat(read.readings()).extracting(Reading::deviceId).containsOnly("te");
        assertThat(read.readings()).extracting(Reading::metric, Reading::eventTime, Reading::value)
                .containsExactly(tuple("column2", T0, 0.25), tuple("column3", T0, 3657.0),
                        tuple("column2", T0 + 180_000, 0.5), tuple("column3", T0 + 180_000, 3658.5));
    }

    @Test
    void aTimeColumnNamedTheWayExportsNameItIsTheTimestamp() throws IOException {
        Path grafana = write("grafana.csv", "Time,level\n2026-01-05 08:00:00,1.5\n");
        Path influx = write("influx.csv", "_time,value,label\n2026-01-05T08:00:00Z,2.5,1\n");

        SeriesFile wide = CsvInput.read(grafana, "grafana.csv", "ignored");
        SeriesFile narrow = CsvInput.read(influx, "influx.csv", "m");

        assertThat(wide.readings()).extracting(Reading::metric, Reading::eventTime, Reading::value)
                .containsExactly(tuple("level", T0, 1.5));
        assertThat(narrow.header()).containsExactly("timestamp", "value", "label");
        assertThat(narrow.readings()).extracting(Reading::metric, Reading::eventTime, Reading::value)
                .containsExactly(tuple("m", T0, 2.5));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}

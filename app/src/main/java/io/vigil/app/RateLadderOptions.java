package io.vigil.app;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The load options of the benchmarks that step a rate up until something is lost ({@code bench broker},
 * {@code bench nodered}): a picocli mixin. An option left out keeps the benchmark's own default, which lives in its
 * {@code Config.defaults} only.
 */
final class RateLadderOptions {
    @Option(names = "--rates", split = ",", paramLabel = "RATE", description = "Readings/s of each step, ascending.")
    List<Double> rates;

    @Option(names = "--step", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long each step publishes (default 10s).")
    Duration step;

    @Option(names = "--devices", description = "Simulated devices (default 1000).")
    Integer devices;

    @Option(names = "--connections", description = "MQTT connections of each publisher process (default 4).")
    Integer connections;

    @Option(names = "--publishers",
            description = "Publisher processes, each owning a slice of the devices (default 1: on 2 cores more did not help).")
    Integer publishers;

    @Option(names = "--drain", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long after the last PUBACK the counts may take to arrive at the counter (default 5s).")
    Duration drain;

    List<Double> rates(List<Double> otherwise) {
        return rates != null ? rates : otherwise;
    }

    Duration step(Duration otherwise) {
        return step != null ? step : otherwise;
    }

    int devices(int otherwise) {
        return devices != null ? devices : otherwise;
    }

    int connections(int otherwise) {
        return connections != null ? connections : otherwise;
    }

    int publishers(int otherwise) {
        return publishers != null ? publishers : otherwise;
    }

    Duration drain(Duration otherwise) {
        return drain != null ? drain : otherwise;
    }
}

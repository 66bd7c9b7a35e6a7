package io.vigil.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.app.bench.NodeRedFlow.Variant;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node-RED from npm (installed on first use into the checkout's var/cache, as bin/vigil bench nodered does; an
 * unreachable npm registry fails this test) with both flows, a tiny load, every point found in InfluxDB.
 */
@Tag("servers")
class NodeRedBenchTest {
    private static final Path CACHE = Path.of("..", "var", "cache", "node-red").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void everyReadingBecomesAPointAndEveryReadingOverTheLimitAnAlert() throws Exception {
        Map<Variant, List<RateStep>> results = NodeRedBench.run(new NodeRedBench.Config(dir, CACHE,
                List.of(Variant.PER_MESSAGE, Variant.BATCHED), List.of(100.0), Duration.ofSeconds(3), 20, 2,
                Duration.ofSeconds(20), 2), new PrintStream(OutputStream.nullOutputStream()));

        assertThat(results).containsOnlyKeys(Variant.PER_MESSAGE, Variant.BATCHED);
        results.forEach((variant, steps) -> {
            assertThat(steps).hasSize(1);
            RateStep step = steps.get(0);
            assertThat(step.published().sent()).isEqualTo(300);
            assertThat(step.published().acknowledged()).isEqualTo(300);
            assertThat(step.arrived()).as(variant + " points in InfluxDB").isEqualTo(300);
            // the flood gauge crosses 4.0 m within the sped-up step: the threshold path is exercised, not idle
            assertThat(step.alerts()).as(variant + " threshold alerts").isPositive();
            assertThat(step.check()).isNull();
            assertThat(step.lossFree()).isTrue();
        });
    }
}

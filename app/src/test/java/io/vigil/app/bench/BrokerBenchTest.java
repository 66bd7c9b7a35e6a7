package io.vigil.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker bench against a real Mosquitto and mosquitto_sub, at rates any loaded machine passes. */
@Tag("servers")
class BrokerBenchTest {
    @TempDir
    Path dir;

    @Test
    void theSubscriberCountsEveryReadingOfEveryStep() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<RateStep> steps = BrokerBench.run(new BrokerBench.Config(dir, List.of(200.0, 500.0), Duration.ofSeconds(2),
                20, 2, Duration.ofSeconds(15), 2), new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(steps).hasSize(2);
        // readings of a 2 s step at r/s: exactly 2r, each acknowledged by the broker and counted by the subscriber
        assertThat(steps).extracting(s -> s.published().sent()).containsExactly(400L, 1000L);
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.published().acknowledged()).isEqualTo(s.published().sent());
            assertThat(s.arrived()).isEqualTo(s.published().sent());
            assertThat(s.lossFree()).isTrue();
        });
        assertThat(RateLadder.best(steps)).contains(steps.get(1));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("loss-free").doesNotContain("LOSS");
    }
}

package io.vigil.app;

import io.vigil.job.JobConfig;
import io.vigil.job.JobOptions;
import io.vigil.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;

/** The job's config for an app test against a {@link LocalStack}: what every such test sets alike. */
public final class LiveJob {
    private LiveJob() {}

    /**
     * The stack's Kafka, InfluxDB and broker, checkpoints under {@code dir/checkpoints} every {@code checkpoints},
     * readings judged after 1 s of out-of-orderness, no web UI; the caller adds its rules, site and consumer group.
     */
    public static JobConfig config(LocalStack stack, Path dir, Duration checkpoints) {
        return JobConfig.defaults()
                .with(JobOptions.KAFKA, stack.kafka.bootstrapServers())
                .with(JobOptions.INFLUX_URL, stack.influx.url())
                .with(JobOptions.MQTT_URL, stack.mosquitto.url())
                .with(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1))
                .with(JobOptions.CHECKPOINT_INTERVAL, checkpoints)
                .with(JobOptions.CHECKPOINT_DIR, dir.resolve("checkpoints"))
                .with(JobOptions.WEB_UI_PORT, 0);
    }

    /** {@link #config} with InfluxDB written in batches of up to 1,000 points every 200 ms, so tests see it soon. */
    public static JobConfig quickInflux(LocalStack stack, Path dir, Duration checkpoints) {
        return config(stack, dir, checkpoints)
                .with(JobOptions.INFLUX_BATCH_SIZE, 1000)
                .with(JobOptions.INFLUX_FLUSH_INTERVAL, Duration.ofMillis(200));
    }
}

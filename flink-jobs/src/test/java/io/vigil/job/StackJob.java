package io.vigil.job;

import io.vigil.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;

/** The job's config for a test against a {@link LocalStack}: what every such test sets alike. */
public final class StackJob {
    private StackJob() {}

    /**
     * The stack's Kafka, InfluxDB and broker, the checkout's rules, checkpoints in {@code checkpoints} every 500 ms
     * (alerts reach Kafka at each), no web UI.
     */
    public static JobConfig config(LocalStack stack, Path checkpoints) {
        return JobConfig.defaults()
                .with(JobOptions.KAFKA, stack.kafka.bootstrapServers())
                .with(JobOptions.INFLUX_URL, stack.influx.url())
                .with(JobOptions.MQTT_URL, stack.mosquitto.url())
                .with(JobOptions.RULES, Path.of("..", "config", "rules.yaml"))
                .with(JobOptions.CHECKPOINT_DIR, checkpoints)
                .with(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500))
                .with(JobOptions.WEB_UI_PORT, 0);
    }
}

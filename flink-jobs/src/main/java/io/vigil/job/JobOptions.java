package io.vigil.job;

import io.vigil.common.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every setting of the job, each declared once: name, type, default, description and check. A new setting is one
 * declaration here plus its use ({@code config.get(JobOptions.X)}); {@code vigil job}, {@code vigil cluster submit},
 * {@link ClusterJob} and {@link JobConfig} pick it up from {@link #all()}. Users read them in docs/deploy.md.
 */
public final class JobOptions {
    // first, so that each declaration below can add itself (static fields initialise in order)
    private static final List<JobOption<?>> ALL = new ArrayList<>();

    public static final JobOption<String> KAFKA = declare(JobOption.text("kafka", "127.0.0.1:9092",
            "Kafka bootstrap servers."));
    public static final JobOption<String> CONSUMER_GROUP = declare(JobOption.text("consumer-group", "vigil-job",
            "Kafka consumer group, and prefix of the alert sinks' transactional ids and MQTT client ids: unique per deployment."));
    public static final JobOption<String> READINGS_TOPIC = declare(JobOption.text("readings-topic", Topics.READINGS,
            "Kafka topic of canonical readings."));
    public static final JobOption<String> ALERTS_TOPIC = declare(JobOption.text("alerts-topic", Topics.ALERTS,
            "Kafka topic every alert is written to (exactly-once, at each checkpoint)."));
    public static final JobOption<String> CONTROL_TOPIC = declare(JobOption.text("control-topic", Topics.CONTROL,
            "Kafka topic of acknowledgements and rules documents."));
    public static final JobOption<String> AUDIT_TOPIC = declare(JobOption.text("audit-topic", Topics.AUDIT,
            "Kafka topic of audit records."));
    public static final JobOption<String> TAG_READS_TOPIC = declare(JobOption.text("tag-reads-topic", Topics.TAGREADS,
            "Kafka topic of canonical RFID tag reads."));
    public static final JobOption<String> INFLUX_URL = declare(JobOption.url("influx-url", "http://127.0.0.1:8086",
            "InfluxDB v1 HTTP API.", "http", "https"));
    public static final JobOption<String> INFLUX_DB = declare(JobOption.text("influx-db", "vigil",
            "InfluxDB database."));
    public static final JobOption<Integer> INFLUX_BATCH_SIZE = declare(JobOption.integer("influx-batch-size", 5000,
            1, Integer.MAX_VALUE, "Points per InfluxDB write."));
    public static final JobOption<Duration> INFLUX_FLUSH_INTERVAL = declare(JobOption.duration("influx-flush-interval",
            Duration.ofSeconds(1), Duration.ofMillis(1), "A partly filled InfluxDB batch is written after this long."));
    public static final JobOption<Duration> INFLUX_RETRY_TIMEOUT = declare(JobOption.duration("influx-retry-timeout",
            Duration.ofSeconds(60), Duration.ofMillis(1),
            "How long an InfluxDB write is retried before the job restarts from its last checkpoint."));
    public static final JobOption<String> MQTT_URL = declare(JobOption.url("mqtt-url", "tcp://127.0.0.1:1883",
            "MQTT broker for alerts (vigil/alerts/...).", "tcp", "ssl", "ws", "wss"));
    public static final JobOption<String> MQTT_USER = declare(JobOption.text("mqtt-user", null,
            "The alert publisher's broker user name (default: anonymous); needs --mqtt-password-file."));
    public static final JobOption<Path> MQTT_PASSWORD_FILE = declare(JobOption.path("mqtt-password-file", null,
            "File whose first line is that user's broker password, read where the job's main runs."));
    public static final JobOption<Integer> MQTT_ALERT_QOS = declare(JobOption.integer("mqtt-alert-qos", 1, 0, 2,
            "MQTT QoS of the retained alert messages, and so the most a field display or siren subscribed higher "
                    + "gets: 1 at least once; 2 each publish once to QoS 2 subscribers, at two more packets per alert "
                    + "(a job restart can still publish an alert again); 0 at most once, less broker work."));
    public static final JobOption<String> ALERTMANAGER_URL = declare(JobOption.url("alertmanager-url", null,
            "Prometheus Alertmanager v2 API to notify (default: none).", "http", "https"));
    public static final JobOption<Duration> ALERTMANAGER_RESEND = declare(JobOption.duration("alertmanager-resend",
            Duration.ofSeconds(60), Duration.ofMillis(100),
            "Active incidents are sent to Alertmanager again this often; keep it below its resolve_timeout."));
    public static final JobOption<Path> RULES = declare(JobOption.path("rules", Path.of("config", "rules.yaml"),
            "Rules file (docs/rules.md), read where the job's main runs; later changes go through vigil rules push."));
    public static final JobOption<Path> SITE = declare(JobOption.path("site", null,
            "RFID site file (docs/rfid.md): also run the RFID pipeline on the tag reads topic (default: none)."));
    public static final JobOption<Integer> PARALLELISM = declare(JobOption.integer("parallelism", 1,
            1, Integer.MAX_VALUE, "Parallelism of every operator."));
    public static final JobOption<Duration> CHECKPOINT_INTERVAL = declare(JobOption.duration("checkpoint-interval",
            Duration.ofSeconds(2), Duration.ofMillis(10),
            "Checkpoint interval; alerts reach the alerts topic at each checkpoint (exactly-once)."));
    public static final JobOption<Duration> OUT_OF_ORDERNESS = declare(JobOption.duration("out-of-orderness",
            Duration.ofSeconds(5), Duration.ZERO, "How late (event time) a reading may arrive and still be judged in order."));
    public static final JobOption<Duration> IDLENESS = declare(JobOption.duration("idleness",
            Duration.ofSeconds(10), Duration.ofMillis(1), "A Kafka partition silent this long no longer holds event time back."));
    // Flink's default: a half-empty network buffer between two tasks waits up to this long; each reading crosses
    // three such hops before its alert
    public static final JobOption<Duration> BUFFER_TIMEOUT = declare(JobOption.duration("buffer-timeout",
            Duration.ofMillis(100), Duration.ZERO,
            "How long a network buffer between the job's tasks may wait to fill; lower for alert latency, 0ms = every record."));
    // the gateway's default plain subscription keeps each device's readings in order into Kafka
    public static final JobOption<Duration> SETTLE = declare(JobOption.duration("settle", Duration.ZERO, Duration.ZERO,
            "How long a reading waits for earlier readings of its series that reached Kafka after it; 0ms judges on "
                    + "arrival, 100ms when gateways use --subscription shared, which can reorder a device's burst."));
    public static final JobOption<Path> CHECKPOINT_DIR = declare(JobOption.path("checkpoint-dir",
            Path.of("data", "flink-checkpoints"),
            "Retained checkpoints; the latest one is restored on the next start.").label("DIR").embeddedOnly());
    public static final JobOption<Integer> WEB_UI_PORT = declare(JobOption.integer("web-ui-port", 8081, 0, 65535,
            "Flink web UI port on 127.0.0.1; 0 = off.").label("PORT").embeddedOnly());
    public static final JobOption<Integer> PROMETHEUS_PORT = declare(JobOption.integer("prometheus-port", null, 1, 65535,
            "Serve Flink's metrics for Prometheus on http://127.0.0.1:PORT/metrics (default: off).").label("PORT").embeddedOnly());
    public static final JobOption<String> METRICS_INFLUX_URL = declare(JobOption.url("metrics-influx-url", null,
            "Report Flink's metrics to this InfluxDB, into the same database (default: off).", "http", "https").embeddedOnly());
    public static final JobOption<Duration> METRICS_INTERVAL = declare(JobOption.duration("metrics-interval",
            Duration.ofSeconds(10), Duration.ofSeconds(1), "How often Flink's metrics are reported.").embeddedOnly());

    private JobOptions() {}

    /** Every option, in declaration order. */
    public static List<JobOption<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The option called {@code name} (without {@code --}), or null. */
    public static JobOption<?> named(String name) {
        return ALL.stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
    }

    private static <T> JobOption<T> declare(JobOption<T> option) {
        if (named(option.name()) != null) {
            throw new IllegalStateException("job option " + option.flag() + " declared twice");
        }
        ALL.add(option);
        return option;
    }
}

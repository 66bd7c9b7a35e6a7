package io.vigil.job;

import static io.vigil.job.JobOptions.*;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.common.rfid.TagRead;
import io.vigil.job.alertmanager.AlertmanagerSink;
import io.vigil.job.influx.InfluxSettings;
import io.vigil.job.influx.InfluxSink;
import io.vigil.job.influx.LineFormats;
import io.vigil.job.kafka.AlertRecordSerializer;
import io.vigil.job.kafka.AuditRecordSerializer;
import io.vigil.job.kafka.JsonRecordDeserializer;
import io.vigil.job.mqtt.MqttAlertSink;
import io.vigil.job.rfid.PresenceSettings;
import io.vigil.job.rfid.RfidJob;
import io.vigil.job.rfid.RfidLineFormats;
import io.vigil.job.rfid.RfidSeries;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the Flink job: turns a {@link JobConfig} into a running job on an embedded MiniCluster
 * with Kafka readings and control messages in, InfluxDB, Kafka, MQTT and (if configured) Alertmanager out, and checkpoints that survive a restart.
 */
public final class JobApplication {
    private static final Logger LOG = LoggerFactory.getLogger(JobApplication.class);
    private static final String LOOPBACK = "127.0.0.1";
    /**
     * Below the broker's default transaction.max.timeout.ms (15 min), which rejects Flink's default of 1 h; above
     * any outage after which the job restarts and commits or aborts what it had pending.
     */
    private static final int ALERT_TRANSACTION_TIMEOUT_MS = 10 * 60 * 1000;
    /** A zone's occupancy incident closes after its count has stayed below the warning level this long. */
    private static final Duration OCCUPANCY_CLOSE_AFTER = Duration.ofSeconds(30);
    /** Interval of the per-antenna read counts: short enough to see a reader stall, long enough to be cheap. */
    private static final Duration READ_RATE_INTERVAL = Duration.ofSeconds(10);

    private JobApplication() {}

    /** Loads the rules (failing on any rule error) and submits the job. */
    public static JobHandle start(JobConfig config) throws Exception {
        RuleSet rules = RulesLoader.load(config.get(RULES));
        Site site = config.get(SITE) == null ? null : SiteLoader.load(config.get(SITE));
        Path checkpoints = config.get(CHECKPOINT_DIR).toAbsolutePath();
        Files.createDirectories(checkpoints);
        // the latest checkpoint and the run before it stay; older runs' retained checkpoints are deleted
        RetainedCheckpoints.prune(checkpoints);
        Optional<Path> restoreFrom = RetainedCheckpoints.latest(checkpoints);

        Configuration conf = LoopbackCluster.configuration(String.valueOf(config.get(WEB_UI_PORT)));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(CHECKPOINT_INTERVAL));
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, config.get(BUFFER_TIMEOUT));
        restoreFrom.ifPresent(chk -> {
            LOG.info("restoring from retained checkpoint {}; rules pushed before it stay in force over {}", chk,
                    config.get(RULES));
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, chk.toUri().toString());
            // an operator removed since the checkpoint must not block the restart
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        });
        if (config.get(METRICS_INFLUX_URL) != null) {
            MetricsReporting.toInflux(conf, URI.create(config.get(METRICS_INFLUX_URL)), config.get(INFLUX_DB),
                    config.get(METRICS_INTERVAL));
        }
        if (config.get(PROMETHEUS_PORT) != null) {
            MetricsReporting.toPrometheus(conf, config.get(PROMETHEUS_PORT));
        }
        StreamExecutionEnvironment env = config.get(WEB_UI_PORT) > 0
                ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf)
                : StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(config.get(PARALLELISM));
        addPipeline(env, config, rules, site);
        JobClient client = env.executeAsync("vigil");
        LOG.info("Vigil job {} submitted with {} rules{}{}", client.getJobID(), rules.size(),
                site == null ? "" : " and RFID site " + site.id(),
                config.get(WEB_UI_PORT) > 0 ? "; web UI http://" + LOOPBACK + ":" + config.get(WEB_UI_PORT) : "");
        return new JobHandle(client, restoreFrom, config.get(WEB_UI_PORT));
    }

    /**
     * Adds Vigil's Kafka sources, sinks and pipeline to {@code env}: the same job whether the environment is an
     * embedded MiniCluster ({@link #start}) or a Flink cluster ({@link ClusterJob}).
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy: the type flink-connector-kafka 5.0 still takes
    static void addPipeline(StreamExecutionEnvironment env, JobConfig config, RuleSet rules, Site site) {
        KafkaSource<Reading> readings = KafkaSource.<Reading>builder()
                .setBootstrapServers(config.get(KAFKA))
                .setTopics(config.get(READINGS_TOPIC))
                .setGroupId(config.get(CONSUMER_GROUP))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(JsonRecordDeserializer.readings())
                .setProperty("partition.discovery.interval.ms", "10000")
                .setProperty("client.id.prefix", config.get(CONSUMER_GROUP))
                .build();
        InfluxSettings influx = new InfluxSettings(config.get(INFLUX_URL), config.get(INFLUX_DB),
                config.get(INFLUX_BATCH_SIZE), config.get(INFLUX_FLUSH_INTERVAL), config.get(INFLUX_RETRY_TIMEOUT));
        List<Sink<Alert>> alertSinks = alertSinks(config, influx, "-alerts");
        DataStream<Alert> alerts = VigilJob.build(env, readings,
                VigilJob.watermarks(config.get(OUT_OF_ORDERNESS), config.get(IDLENESS)), controlSource(config, "-control"),
                new InfluxSink<>(influx, LineFormats.readings(), Reading::receiveTime),
                new InfluxSink<>(influx, LineFormats.anomalyScores()), alertSinks, auditSinks(config, influx), rules,
                config.get(SETTLE));
        if (site != null) {
            buildRfid(env, config, site, influx, alertSinks(config, influx, "-rfid-alerts"), alerts);
        }
    }

    /**
     * vigil.control from the start of the consumer group {@code {group}{suffix}}: each lifecycle (readings, RFID)
     * reads it in full through its own source and group, and applies the acknowledgements of its own incidents.
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy, as above
    private static KafkaSource<ControlMessage> controlSource(JobConfig config, String suffix) {
        return KafkaSource.<ControlMessage>builder()
                .setBootstrapServers(config.get(KAFKA))
                // a pattern, not a topic list: the job must start before anyone has created the control topic,
                // and partition discovery picks it up once the gateway does
                .setTopicPattern(Pattern.compile(Pattern.quote(config.get(CONTROL_TOPIC))))
                .setGroupId(config.get(CONSUMER_GROUP) + suffix)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(JsonRecordDeserializer.control())
                .setProperty("partition.discovery.interval.ms", "10000")
                .setProperty("client.id.prefix", config.get(CONSUMER_GROUP) + suffix)
                .build();
    }

    /** Kafka vigil.audit and InfluxDB; one set per pipeline, as for the alert sinks. */
    private static List<Sink<AuditEvent>> auditSinks(JobConfig config, InfluxSettings influx) {
        KafkaSink<AuditEvent> kafkaAudit = KafkaSink.<AuditEvent>builder()
                .setBootstrapServers(config.get(KAFKA))
                .setRecordSerializer(new AuditRecordSerializer(config.get(AUDIT_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        return List.of(kafkaAudit, new InfluxSink<>(influx, LineFormats.audit()));
    }

    /**
     * Kafka, MQTT, InfluxDB and (if configured) Alertmanager. Each pipeline gets its own instances named by
     * {@code suffix}: two Kafka sinks sharing a transactional id, or two MQTT writers sharing a client id, would
     * fence each other off.
     */
    private static List<Sink<Alert>> alertSinks(JobConfig config, InfluxSettings influx, String suffix) {
        KafkaSink<Alert> kafkaAlerts = KafkaSink.<Alert>builder()
                .setBootstrapServers(config.get(KAFKA))
                .setRecordSerializer(new AlertRecordSerializer(config.get(ALERTS_TOPIC)))
                // vigil.alerts is the system of record: a restart replays the transitions emitted after the last
                // checkpoint, and only a transaction committed with the checkpoint keeps them from being seen twice
                // (consumers read_committed; alerts become visible when the checkpoint completes, docs/incidents.md)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(CONSUMER_GROUP) + suffix)
                .setProperty("transaction.timeout.ms", String.valueOf(ALERT_TRANSACTION_TIMEOUT_MS))
                .build();
        List<Sink<Alert>> sinks = new ArrayList<>(List.of(
                kafkaAlerts,
                new MqttAlertSink(config.get(MQTT_URL), config.get(CONSUMER_GROUP) + suffix, config.mqttLogin(),
                        config.get(MQTT_ALERT_QOS)),
                new InfluxSink<>(influx, LineFormats.incidents())));
        if (config.get(ALERTMANAGER_URL) != null) {
            sinks.add(new AlertmanagerSink(config.get(ALERTMANAGER_URL), config.get(ALERTMANAGER_RESEND)));
        }
        return sinks;
    }

    /**
     * Tag reads from Kafka through the RFID pipeline, its alerts and audit records to the same sinks as the readings';
     * the readings' alerts may start an evacuation (the site's plan names the rules); acknowledgements from the
     * control topic.
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy, as above
    private static void buildRfid(StreamExecutionEnvironment env, JobConfig config, Site site, InfluxSettings influx,
                                  List<Sink<Alert>> alertSinks, DataStream<Alert> evacuationTriggers) {
        KafkaSource<TagRead> tagReads = KafkaSource.<TagRead>builder()
                .setBootstrapServers(config.get(KAFKA))
                .setTopics(config.get(TAG_READS_TOPIC))
                .setGroupId(config.get(CONSUMER_GROUP) + "-tagreads")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(JsonRecordDeserializer.tagReads())
                .setProperty("partition.discovery.interval.ms", "10000")
                .setProperty("client.id.prefix", config.get(CONSUMER_GROUP) + "-tagreads")
                .build();
        RfidSeries series = new RfidSeries(new InfluxSink<>(influx, RfidLineFormats.occupancy()),
                new InfluxSink<>(influx, RfidLineFormats.tagReads()), READ_RATE_INTERVAL);
        RfidJob.build(env, tagReads, RfidJob.watermarks(config.get(OUT_OF_ORDERNESS), config.get(IDLENESS)),
                new InfluxSink<>(influx, RfidLineFormats.presence()), alertSinks, site, PresenceSettings.defaults(),
                OCCUPANCY_CLOSE_AFTER, evacuationTriggers, series, controlSource(config, "-rfid-control"),
                auditSinks(config, influx));
    }
}

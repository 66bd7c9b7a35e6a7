package io.vigil.job;

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

    /** Validates the config, loads the rules (failing on any rule error) and submits the job. */
    public static JobHandle start(JobConfig config) throws Exception {
        config.validate();
        RuleSet rules = RulesLoader.load(config.rulesFile());
        Site site = config.siteFile() == null ? null : SiteLoader.load(config.siteFile());
        Path checkpoints = config.checkpointDir().toAbsolutePath();
        Files.createDirectories(checkpoints);
        // the latest checkpoint and the run before it stay; older runs' retained checkpoints are deleted
        RetainedCheckpoints.prune(checkpoints);
        Optional<Path> restoreFrom = RetainedCheckpoints.latest(checkpoints);

        Configuration conf = LoopbackCluster.configuration(String.valueOf(config.webUiPort()));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, config.bufferTimeout());
        restoreFrom.ifPresent(chk -> {
            LOG.info("restoring from retained checkpoint {}; rules pushed before it stay in force over {}", chk,
                    config.rulesFile());
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, chk.toUri().toString());
            // an operator removed since the checkpoint must not block the restart
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        });
        if (config.metricsInfluxUrl() != null) {
            MetricsReporting.toInflux(conf, URI.create(config.metricsInfluxUrl()), config.influxDatabase(),
                    config.metricsInterval());
        }
        if (config.prometheusPort() != null) {
            MetricsReporting.toPrometheus(conf, config.prometheusPort());
        }
        StreamExecutionEnvironment env = config.webUiPort() > 0
                ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf)
                : StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(config.parallelism());
        addPipeline(env, config, rules, site);
        JobClient client = env.executeAsync("vigil");
        LOG.info("Vigil job {} submitted with {} rules{}{}", client.getJobID(), rules.size(),
                site == null ? "" : " and RFID site " + site.id(),
                config.webUiPort() > 0 ? "; web UI http://" + LOOPBACK + ":" + config.webUiPort() : "");
        return new JobHandle(client, restoreFrom, config.webUiPort());
    }

    /**
     * Adds Vigil's Kafka sources, sinks and pipeline to {@code env}: the same job whether the environment is an
     * embedded MiniCluster ({@link #start}) or a Flink cluster ({@link ClusterJob}).
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy: the type flink-connector-kafka 5.0 still takes
    static void addPipeline(StreamExecutionEnvironment env, JobConfig config, RuleSet rules, Site site) {
        KafkaSource<Reading> readings = KafkaSource.<Reading>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setTopics(config.readingsTopic())
                .setGroupId(config.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(JsonRecordDeserializer.readings())
                .setProperty("partition.discovery.interval.ms", "10000")
                .setProperty("client.id.prefix", config.consumerGroup())
                .build();
        InfluxSettings influx = new InfluxSettings(config.influxUrl(), config.influxDatabase(),
                config.influxBatchSize(), config.influxFlushInterval(), config.influxRetryTimeout());
        List<Sink<Alert>> alertSinks = alertSinks(config, influx, "-alerts");
        DataStream<Alert> alerts = VigilJob.build(env, readings,
                VigilJob.watermarks(config.maxOutOfOrderness(), config.idleness()), controlSource(config, "-control"),
                new InfluxSink<>(influx, LineFormats.readings(), Reading::receiveTime),
                new InfluxSink<>(influx, LineFormats.anomalyScores()), alertSinks, auditSinks(config, influx), rules,
                config.settle());
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
                .setBootstrapServers(config.kafkaBootstrap())
                // a pattern, not a topic list: the job must start before anyone has created the control topic,
                // and partition discovery picks it up once the gateway does
                .setTopicPattern(Pattern.compile(Pattern.quote(config.controlTopic())))
                .setGroupId(config.consumerGroup() + suffix)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(JsonRecordDeserializer.control())
                .setProperty("partition.discovery.interval.ms", "10000")
                .setProperty("client.id.prefix", config.consumerGroup() + suffix)
                .build();
    }

    /** Kafka vigil.audit and InfluxDB; one set per pipeline, as for the alert sinks. */
    private static List<Sink<AuditEvent>> auditSinks(JobConfig config, InfluxSettings influx) {
        KafkaSink<AuditEvent> kafkaAudit = KafkaSink.<AuditEvent>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setRecordSerializer(new AuditRecordSerializer(config.auditTopic()))
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
                .setBootstrapServers(config.kafkaBootstrap())
                .setRecordSerializer(new AlertRecordSerializer(config.alertsTopic()))
                // vigil.alerts is the system of record: a restart replays the transitions emitted after the last
                // checkpoint, and only a transaction committed with the checkpoint keeps them from being seen twice
                // (consumers read_committed; alerts become visible when the checkpoint completes, docs/incidents.md)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.consumerGroup() + suffix)
                .setProperty("transaction.timeout.ms", String.valueOf(ALERT_TRANSACTION_TIMEOUT_MS))
                .build();
        List<Sink<Alert>> sinks = new ArrayList<>(List.of(
                kafkaAlerts,
                new MqttAlertSink(config.mqttUrl(), config.consumerGroup() + suffix, config.mqttLogin()),
                new InfluxSink<>(influx, LineFormats.incidents())));
        if (config.alertmanagerUrl() != null) {
            sinks.add(new AlertmanagerSink(config.alertmanagerUrl(), config.alertmanagerResend()));
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
                .setBootstrapServers(config.kafkaBootstrap())
                .setTopics(config.tagReadsTopic())
                .setGroupId(config.consumerGroup() + "-tagreads")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(JsonRecordDeserializer.tagReads())
                .setProperty("partition.discovery.interval.ms", "10000")
                .setProperty("client.id.prefix", config.consumerGroup() + "-tagreads")
                .build();
        RfidSeries series = new RfidSeries(new InfluxSink<>(influx, RfidLineFormats.occupancy()),
                new InfluxSink<>(influx, RfidLineFormats.tagReads()), READ_RATE_INTERVAL);
        RfidJob.build(env, tagReads, RfidJob.watermarks(config.maxOutOfOrderness(), config.idleness()),
                new InfluxSink<>(influx, RfidLineFormats.presence()), alertSinks, site, PresenceSettings.defaults(),
                OCCUPANCY_CLOSE_AFTER, evacuationTriggers, series, controlSource(config, "-rfid-control"),
                auditSinks(config, influx));
    }
}

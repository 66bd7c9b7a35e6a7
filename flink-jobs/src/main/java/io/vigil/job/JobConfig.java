package io.vigil.job;

import io.vigil.common.Topics;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the Flink job needs to run, read once by the launcher. Defaults live in {@link #defaults()} only;
 * {@link JobApplication#start} validates the record once before building anything.
 *
 * @param maxOutOfOrderness how late (event time) a reading may arrive and still be evaluated in order
 * @param idleness          a Kafka partition silent this long no longer holds the watermark back
 * @param checkpointDir     retained checkpoints; the latest one is restored on the next start
 * @param webUiPort         Flink web UI on 127.0.0.1; 0 disables it
 * @param influxRetryTimeout how long an InfluxDB write is retried before the task fails and restarts
 * @param alertmanagerUrl   Prometheus Alertmanager base URL; null = no Alertmanager
 * @param alertmanagerResend active incidents are re-sent to Alertmanager this often (keep it below its resolve_timeout)
 * @param metricsInfluxUrl  InfluxDB the job's Flink metrics are reported to (database {@code influxDatabase});
 *                          null: no metrics reporter
 * @param metricsInterval   how often the Flink metrics are reported
 * @param siteFile          RFID site file (docs/rfid.md); null = no RFID pipeline
 * @param tagReadsTopic     Kafka topic of canonical tag reads
 * @param mqttLogin         the alert publisher's broker login, null for an anonymous broker
 * @param prometheusPort    loopback port of a Prometheus scrape endpoint for Flink's metrics
 * @param settle            how long a reading waits, in processing time, for earlier readings of its series that
 *                          reached Kafka after it; zero judges each reading on arrival (see
 *                          {@link io.vigil.job.series.SeriesEvaluator#SETTLE})
 *                          ({@code http://127.0.0.1:{port}/metrics}); null: none
 */
public record JobConfig(
        String kafkaBootstrap,
        String readingsTopic,
        String alertsTopic,
        String consumerGroup,
        String influxUrl,
        String influxDatabase,
        String mqttUrl,
        Path rulesFile,
        Duration maxOutOfOrderness,
        Duration idleness,
        Duration checkpointInterval,
        Path checkpointDir,
        int webUiPort,
        int parallelism,
        int influxBatchSize,
        Duration influxFlushInterval,
        Duration influxRetryTimeout,
        String controlTopic,
        String auditTopic,
        String alertmanagerUrl,
        Duration alertmanagerResend,
        String metricsInfluxUrl,
        Duration metricsInterval,
        Path siteFile,
        String tagReadsTopic,
        MqttLogin mqttLogin,
        Duration bufferTimeout,
        Integer prometheusPort,
        Duration settle) {

    /** A broker login; the password stays out of {@link #toString()}. */
    public record MqttLogin(String username, String password) implements java.io.Serializable {
        public MqttLogin {
            check(username != null && !username.isBlank() && password != null, "mqttLogin",
                    "needs a non-blank user name and a password");
        }

        @Override
        public String toString() {
            return "MqttLogin[username=" + username + ", password=***]";
        }
    }

    public static JobConfig defaults() {
        return new JobConfig(
                "127.0.0.1:9092",
                Topics.READINGS,
                Topics.ALERTS,
                "vigil-job",
                "http://127.0.0.1:8086",
                "vigil",
                "tcp://127.0.0.1:1883",
                Path.of("config", "rules.yaml"),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2), // alerts become visible on vigil.alerts at each checkpoint (exactly-once)
                Path.of("data", "flink-checkpoints"),
                8081,
                1,
                5000,
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                Topics.CONTROL,
                Topics.AUDIT,
                null,
                Duration.ofSeconds(60),
                null,
                Duration.ofSeconds(10),
                null,
                Topics.TAGREADS,
                null,
                // Flink's default: a half-empty network buffer between two tasks waits up to this long. Each
                // reading crosses three such hops before its alert; lower it for latency, at some cost in CPU
                Duration.ofMillis(100),
                null,
                // the gateway's default plain subscription keeps each device's readings in order into Kafka
                Duration.ZERO);
    }

    /** Returns this config if every field is usable; otherwise throws naming the field. */
    public JobConfig validate() {
        text("kafkaBootstrap", kafkaBootstrap);
        text("readingsTopic", readingsTopic);
        text("alertsTopic", alertsTopic);
        text("consumerGroup", consumerGroup);
        url("influxUrl", influxUrl, "http", "https");
        text("influxDatabase", influxDatabase);
        url("mqttUrl", mqttUrl, "tcp", "ssl", "ws", "wss");
        text("controlTopic", controlTopic);
        text("auditTopic", auditTopic);
        if (alertmanagerUrl != null) {
            url("alertmanagerUrl", alertmanagerUrl, "http", "https");
        }
        atLeast("alertmanagerResend", alertmanagerResend, Duration.ofMillis(100));
        Objects.requireNonNull(rulesFile, "rulesFile");
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        atLeast("maxOutOfOrderness", maxOutOfOrderness, Duration.ZERO);
        atLeast("idleness", idleness, Duration.ofMillis(1));
        atLeast("checkpointInterval", checkpointInterval, Duration.ofMillis(10));
        atLeast("bufferTimeout", bufferTimeout, Duration.ZERO);
        atLeast("settle", settle, Duration.ZERO);
        atLeast("influxFlushInterval", influxFlushInterval, Duration.ofMillis(1));
        atLeast("influxRetryTimeout", influxRetryTimeout, Duration.ofMillis(1));
        if (metricsInfluxUrl != null) {
            url("metricsInfluxUrl", metricsInfluxUrl, "http", "https");
        }
        atLeast("metricsInterval", metricsInterval, Duration.ofSeconds(1));
        check(webUiPort >= 0 && webUiPort <= 65535, "webUiPort", webUiPort + " is not a port (0 disables the web UI)");
        check(prometheusPort == null || prometheusPort >= 1 && prometheusPort <= 65535, "prometheusPort",
                prometheusPort + " is not a port (leave it unset for no endpoint)");
        check(parallelism >= 1, "parallelism", parallelism + " must be at least 1");
        check(influxBatchSize >= 1, "influxBatchSize", influxBatchSize + " must be at least 1");
        text("tagReadsTopic", tagReadsTopic);
        return this;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void text(String field, String value) {
        check(value != null && !value.isBlank(), field, "must not be empty");
    }

    private static void url(String field, String value, String... schemes) {
        text(field, value);
        String scheme;
        try {
            URI uri = new URI(value);
            scheme = uri.getScheme();
            check(uri.getHost() != null, field, "\"" + value + "\" names no host");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("job config: " + field + ": \"" + value + "\" is not a URL: " + e.getMessage());
        }
        check(scheme != null && Arrays.asList(schemes).contains(scheme), field,
                "\"" + value + "\" must start with one of " + Arrays.toString(schemes) + "://");
    }

    private static void atLeast(String field, Duration value, Duration min) {
        check(value != null && value.compareTo(min) >= 0, field, value + " must be at least " + min);
    }

    private static void check(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("job config: " + field + ": " + problem);
        }
    }

    /** Changes a few fields of a config, typically of {@link #defaults()}. */
    public static final class Builder {
        private String kafkaBootstrap, readingsTopic, alertsTopic, consumerGroup, influxUrl, influxDatabase, mqttUrl;
        private String controlTopic, auditTopic, alertmanagerUrl;
        private Duration alertmanagerResend;
        private Path rulesFile, checkpointDir;
        private Duration maxOutOfOrderness, idleness, checkpointInterval, influxFlushInterval, influxRetryTimeout;
        private String metricsInfluxUrl;
        private Duration metricsInterval;
        private Path siteFile;
        private String tagReadsTopic;
        private MqttLogin mqttLogin;
        private Duration bufferTimeout;
        private Integer prometheusPort;
        private Duration settle;
        private int webUiPort, parallelism, influxBatchSize;

        private Builder(JobConfig c) {
            kafkaBootstrap = c.kafkaBootstrap; readingsTopic = c.readingsTopic; alertsTopic = c.alertsTopic;
            consumerGroup = c.consumerGroup; influxUrl = c.influxUrl; influxDatabase = c.influxDatabase;
            mqttUrl = c.mqttUrl; rulesFile = c.rulesFile; maxOutOfOrderness = c.maxOutOfOrderness;
            idleness = c.idleness; checkpointInterval = c.checkpointInterval; checkpointDir = c.checkpointDir;
            webUiPort = c.webUiPort; parallelism = c.parallelism; influxBatchSize = c.influxBatchSize;
            influxFlushInterval = c.influxFlushInterval; influxRetryTimeout = c.influxRetryTimeout;
            controlTopic = c.controlTopic; auditTopic = c.auditTopic; alertmanagerUrl = c.alertmanagerUrl;
            alertmanagerResend = c.alertmanagerResend;
            metricsInfluxUrl = c.metricsInfluxUrl; metricsInterval = c.metricsInterval;
            siteFile = c.siteFile; tagReadsTopic = c.tagReadsTopic;
            mqttLogin = c.mqttLogin;
            bufferTimeout = c.bufferTimeout;
            prometheusPort = c.prometheusPort;
            settle = c.settle;
        }

        public Builder kafkaBootstrap(String v) { kafkaBootstrap = v; return this; }
        public Builder readingsTopic(String v) { readingsTopic = v; return this; }
        public Builder alertsTopic(String v) { alertsTopic = v; return this; }
        public Builder consumerGroup(String v) { consumerGroup = v; return this; }
        public Builder influxUrl(String v) { influxUrl = v; return this; }
        public Builder influxDatabase(String v) { influxDatabase = v; return this; }
        public Builder mqttUrl(String v) { mqttUrl = v; return this; }
        public Builder rulesFile(Path v) { rulesFile = v; return this; }
        public Builder maxOutOfOrderness(Duration v) { maxOutOfOrderness = v; return this; }
        public Builder idleness(Duration v) { idleness = v; return this; }
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }
        public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
        public Builder webUiPort(int v) { webUiPort = v; return this; }
        public Builder parallelism(int v) { parallelism = v; return this; }
        public Builder influxBatchSize(int v) { influxBatchSize = v; return this; }
        public Builder influxFlushInterval(Duration v) { influxFlushInterval = v; return this; }
        public Builder influxRetryTimeout(Duration v) { influxRetryTimeout = v; return this; }
        public Builder controlTopic(String v) { controlTopic = v; return this; }
        public Builder auditTopic(String v) { auditTopic = v; return this; }
        public Builder alertmanagerUrl(String v) { alertmanagerUrl = v; return this; }
        public Builder alertmanagerResend(Duration v) { alertmanagerResend = v; return this; }
        /** Reports Flink's metrics to this InfluxDB (null: off). */
        public Builder metricsInfluxUrl(String v) { metricsInfluxUrl = v; return this; }
        public Builder metricsInterval(Duration v) { metricsInterval = v; return this; }
        /** Runs the RFID pipeline for this site file (null: no RFID pipeline). */
        public Builder siteFile(Path v) { siteFile = v; return this; }
        public Builder tagReadsTopic(String v) { tagReadsTopic = v; return this; }
        /** The alert publisher's broker login (null: anonymous). */
        public Builder mqttLogin(MqttLogin v) { mqttLogin = v; return this; }
        /** How long a network buffer between tasks may wait to fill (0: sent with every record). */
        public Builder bufferTimeout(Duration v) { bufferTimeout = v; return this; }
        /** Serves Flink's metrics for Prometheus on this loopback port (null: not at all). */
        public Builder prometheusPort(Integer v) { prometheusPort = v; return this; }
        public Builder settle(Duration v) { settle = v; return this; }

        public JobConfig build() {
            return new JobConfig(kafkaBootstrap, readingsTopic, alertsTopic, consumerGroup, influxUrl, influxDatabase,
                    mqttUrl, rulesFile, maxOutOfOrderness, idleness, checkpointInterval, checkpointDir, webUiPort,
                    parallelism, influxBatchSize, influxFlushInterval, influxRetryTimeout, controlTopic, auditTopic,
                    alertmanagerUrl, alertmanagerResend, metricsInfluxUrl, metricsInterval, siteFile, tagReadsTopic,
                    mqttLogin, bufferTimeout, prometheusPort, settle);
        }
    }
}

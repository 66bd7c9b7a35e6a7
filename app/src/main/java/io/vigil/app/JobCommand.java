package io.vigil.app;

import io.vigil.job.JobApplication;
import io.vigil.job.JobConfig;
import io.vigil.job.JobHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Options left out keep {@link JobConfig#defaults()}: defaults live there only. */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Runs the Flink job in an embedded MiniCluster (web UI on 127.0.0.1): readings from Kafka to",
                "InfluxDB, rules from a YAML file, alerts to Kafka vigil.alerts and MQTT vigil/alerts/. Runs until stopped."})
final class JobCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Option(names = "--kafka", description = "Kafka bootstrap servers (default 127.0.0.1:9092).") String kafka;
    @Option(names = "--influx-url", description = "InfluxDB URL (default http://127.0.0.1:8086).") String influxUrl;
    @Option(names = "--influx-db", description = "InfluxDB database (default vigil).") String influxDb;
    @Option(names = "--metrics-influx-url", description = "Report Flink's metrics to this InfluxDB, into the same database (default: off).") String metricsInfluxUrl;
    @Option(names = "--mqtt-url", description = "MQTT broker for alerts (default tcp://127.0.0.1:1883).") String mqttUrl;
    @Option(names = "--mqtt-user", description = "The alert publisher's broker user name (default: anonymous).") String mqttUser;
    @Option(names = "--mqtt-password-file", description = "File whose first line is that user's broker password.") Path mqttPasswordFile;
    @Option(names = "--alertmanager-url", description = "Prometheus Alertmanager to notify (default: none).") String alertmanagerUrl;
    @Option(names = "--rules", paramLabel = "FILE", description = "Rules file (default config/rules.yaml in the checkout).") Path rules;
    @Option(names = "--site", paramLabel = "FILE", description = "RFID site file: also run the RFID pipeline on vigil.tagreads (default: none).") Path site;
    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Checkpoint directory (default $VIGIL_HOME/flink/checkpoints).") Path checkpointDir;
    @Option(names = "--web-ui-port", description = "Flink web UI port (default 8081; 0 = off).") Integer webUiPort;
    @Option(names = "--prometheus-port", description = "Serve Flink's metrics for Prometheus on http://127.0.0.1:PORT/metrics (default: off).") Integer prometheusPort;
    @Option(names = "--out-of-orderness", converter = DurationConverter.class,
            description = "How late a reading may arrive and still be evaluated (default 5s).") Duration outOfOrderness;
    @Option(names = "--influx-retry-timeout", converter = DurationConverter.class,
            description = "How long an InfluxDB write is retried before the job restarts from its last checkpoint (default 60s).") Duration influxRetryTimeout;
    @Option(names = "--parallelism", description = "Parallelism of every operator (default 1).") Integer parallelism;
    @Option(names = "--checkpoint-interval", converter = DurationConverter.class,
            description = "Checkpoint interval (default 2s; alerts reach vigil.alerts at each checkpoint).") Duration checkpointInterval;
    @Option(names = "--buffer-timeout", converter = DurationConverter.class,
            description = "How long a network buffer between the job's tasks may wait to fill (default 100ms; lower for latency, 0 = every record).") Duration bufferTimeout;
    @Option(names = "--settle", converter = DurationConverter.class,
            description = "How long a reading waits for earlier readings of its series that reached Kafka after it (default 0: judged on arrival; 100ms when gateways use --subscription shared, which can reorder a device's burst).") Duration settle;

    @Override
    public Integer call() throws Exception {
        // Files default to the checkout and VIGIL_HOME rather than the working directory.
        JobConfig.Builder b = JobConfig.defaults().toBuilder()
                .rulesFile(rules != null ? rules : vigil.root().resolve("config/rules.yaml"))
                .checkpointDir(checkpointDir != null ? checkpointDir : vigil.home().resolve("flink/checkpoints"));
        if (kafka != null) b.kafkaBootstrap(kafka);
        if (influxUrl != null) b.influxUrl(influxUrl);
        if (influxDb != null) b.influxDatabase(influxDb);
        if (metricsInfluxUrl != null) b.metricsInfluxUrl(metricsInfluxUrl);
        if (mqttUrl != null) b.mqttUrl(mqttUrl);
        if (mqttUser != null) {
            if (mqttPasswordFile == null) {
                throw new IllegalArgumentException("--mqtt-user needs --mqtt-password-file");
            }
            b.mqttLogin(new JobConfig.MqttLogin(mqttUser, java.nio.file.Files.readAllLines(mqttPasswordFile).get(0).strip()));
        }
        if (webUiPort != null) b.webUiPort(webUiPort);
        if (prometheusPort != null) b.prometheusPort(prometheusPort);
        if (alertmanagerUrl != null) b.alertmanagerUrl(alertmanagerUrl);
        if (outOfOrderness != null) b.maxOutOfOrderness(outOfOrderness);
        if (checkpointInterval != null) b.checkpointInterval(checkpointInterval);
        if (bufferTimeout != null) b.bufferTimeout(bufferTimeout);
        if (settle != null) b.settle(settle);
        if (site != null) b.siteFile(site);
        if (parallelism != null) b.parallelism(parallelism);
        if (influxRetryTimeout != null) b.influxRetryTimeout(influxRetryTimeout);
        JobConfig config = b.build();
        JobHandle job = JobApplication.start(config);
        job.awaitRunning(Duration.ofMinutes(2));
        System.out.println("job: running" + (config.webUiPort() > 0
                ? ", Flink web UI http://127.0.0.1:" + config.webUiPort() : "")
                + job.restoredFrom().map(p -> ", restored from " + p).orElse(""));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                job.close();
            } catch (Exception e) {
                System.err.println("job: stopping failed: " + e.getMessage());
            }
            stop.countDown();
        }, "job-stop"));
        stop.await();
        return 0;
    }
}

package io.vigil.app;

import io.vigil.job.JobApplication;
import io.vigil.job.JobConfig;
import io.vigil.job.JobHandle;
import io.vigil.job.JobOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** The options are the job's own ({@link JobOptions}); left out keep their declared defaults. */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Runs the Flink job in an embedded MiniCluster (web UI on 127.0.0.1): readings from Kafka to",
                "InfluxDB, rules from a YAML file, alerts to Kafka vigil.alerts and MQTT vigil/alerts/. Runs until stopped."})
final class JobCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Mixin
    JobOptionsMixin.Embedded options;

    /** The given options; files not given default to the checkout and VIGIL_HOME rather than the working directory. */
    JobConfig config() {
        JobConfig config = options.applyTo(JobConfig.defaults());
        if (!options.given(JobOptions.RULES)) {
            config = config.with(JobOptions.RULES, vigil.root().resolve("config/rules.yaml"));
        }
        if (!options.given(JobOptions.CHECKPOINT_DIR)) {
            config = config.with(JobOptions.CHECKPOINT_DIR, vigil.home().resolve("flink/checkpoints"));
        }
        return config;
    }

    @Override
    public Integer call() throws Exception {
        JobConfig config = config();
        JobHandle job = JobApplication.start(config);
        job.awaitRunning(Duration.ofMinutes(2));
        int webUiPort = config.get(JobOptions.WEB_UI_PORT);
        System.out.println("job: running" + (webUiPort > 0 ? ", Flink web UI http://127.0.0.1:" + webUiPort : "")
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

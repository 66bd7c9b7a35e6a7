package io.vigil.app;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Topics;
import io.vigil.job.ClusterJob;
import io.vigil.job.JobConfig;
import io.vigil.job.JobOption;
import io.vigil.job.JobOptions;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil cluster ...} wiring without a cluster: what it says when none runs, and the job arguments it sends.
 * The cluster itself and submission to it are tested in ClusterFailoverIT and FlinkClusterTest.
 */
class ClusterCommandTest {
    @TempDir
    Path home;

    @Test
    void statusAndStopWithoutAClusterSaySoAndStatusFails() {
        String nobody = "http://127.0.0.1:" + FreePorts.tcp();
        Run status = run("cluster", "--home", home.toString(), "status", "--rest-url", nobody);
        assertThat(status.exit).isEqualTo(1);
        assertThat(status.out).contains("no JobManager answers at " + nobody).contains("no cluster process runs under " + home);
        Run stop = run("cluster", "--home", home.toString(), "stop", "--rest-url", nobody);
        assertThat(stop.exit).isZero();
        assertThat(stop.out).contains("nothing was running under " + home);
    }

    @Test
    void submitWithoutAJobJarSaysHowToBuildIt() {
        Run submit = run("cluster", "submit", "--jar", home.resolve("missing.jar").toString(), "--partitions", "0");
        assertThat(submit.exit).isEqualTo(2);
        assertThat(submit.err).contains("no job jar at " + home.resolve("missing.jar")).contains("mvn -B package");
    }

    @Test
    void submitPassesOnlyGivenJobOptionsAndTheRulesFileAsAnAbsolutePath() {
        CommandLine cl = new CommandLine(new Vigil());
        CommandLine.ParseResult parsed = cl.parseArgs("cluster", "submit", "--kafka", "k1:9092", "--rules", "my-rules.yaml",
                "--checkpoint-interval", "1s", "--parallelism", "4");
        ClusterCommand.Submit submit = (ClusterCommand.Submit) parsed.subcommand().subcommand().commandSpec().userObject();
        assertThat(submit.jobArguments()).containsExactly("--kafka", "k1:9092",
                "--rules", Path.of("my-rules.yaml").toAbsolutePath().toString(), "--checkpoint-interval", "1s");
        assertThat(submit.parallelism).isEqualTo(4);
    }

    @Test
    void submitHandsTheClusterWhatBinVigilJobWouldRun() {
        String[] jobOptions = {"--kafka", "k1:9092", "--rules", "/etc/vigil/rules.yaml", "--settle", "100ms",
                "--idleness", "30s", "--influx-flush-interval", "250ms", "--site", "/etc/vigil/site.yaml"};
        CommandLine.ParseResult parsed = new CommandLine(new Vigil()).parseArgs(concat(new String[] {"cluster", "submit"}, jobOptions));
        ClusterCommand.Submit submit = (ClusterCommand.Submit) parsed.subcommand().subcommand().commandSpec().userObject();
        JobConfig onTheCluster = ClusterJob.config(submit.jobArguments().toArray(String[]::new), 1);
        JobConfig local = ((JobCommand) new CommandLine(new Vigil()).parseArgs(concat(new String[] {"job"}, jobOptions))
                .subcommand().commandSpec().userObject()).config();
        assertThat(onTheCluster).isEqualTo(local.with(JobOptions.CHECKPOINT_DIR, JobOptions.CHECKPOINT_DIR.defaultValue()));
        assertThat(onTheCluster.get(JobOptions.IDLENESS)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void submitOffersEveryOptionTheClusterJobReadsAndNoneItDoesNot() {
        String help = run("cluster", "submit", "--help").out;
        for (JobOption<?> option : JobOptions.all()) {
            if (option.scope() == JobOption.Scope.JOB) {
                assertThat(help).as(option.flag()).contains(option.flag() + "=");
            } else {
                assertThat(help).as(option.flag()).doesNotContain(option.flag());
            }
        }
        Run bad = run("cluster", "submit", "--partitions", "0", "--checkpoint-interval", "1ms");
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.err).contains("Invalid value for option '--checkpoint-interval': 1ms must be at least 10ms");
    }

    @Test
    @Tag("servers") // a real Kafka: not in the quick unit tier
    void submitCreatesTheTopicsTheJobWasGiven() throws Exception {
        Path jar = Files.writeString(home.resolve("vigil-job.jar"), "not uploaded: no cluster answers");
        try (LocalStack stack = LocalStack.onFreePorts(home.resolve("stack"), KAFKA).start()) {
            Run submit = run("cluster", "submit", "--jar", jar.toString(), "--rest-url", "http://127.0.0.1:" + FreePorts.tcp(),
                    "--kafka", stack.kafka.bootstrapServers(), "--partitions", "2",
                    "--readings-topic", "site-a.readings", "--alerts-topic", "site-a.alerts");
            assertThat(submit.exit).as("no cluster to upload to").isNotZero();
            try (Admin admin = stack.kafka.admin()) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as(submit.toString()).contains("site-a.readings",
                        "site-a.alerts", Topics.CONTROL, Topics.AUDIT, Topics.DEADLETTER).doesNotContain(Topics.READINGS);
            }
            assertThat(submit.out).contains("created topics [site-a.readings, vigil.deadletter, site-a.alerts")
                    .as("2 partitions for parallelism 2").doesNotContain("note:");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Vigil());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}

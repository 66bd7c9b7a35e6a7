package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.job.ClusterJob;
import io.vigil.job.JobConfig;
import io.vigil.job.JobOption;
import io.vigil.job.JobOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil job} takes the job's options from their one declaration and reads them as ClusterJob does. */
class JobCommandTest {
    private static final String[] JOB_ARGS = {"--kafka", "k1:9092", "--rules", "/etc/vigil/rules.yaml",
            "--settle", "100ms", "--checkpoint-interval", "PT1.5S", "--alertmanager-url", "http://am:9093",
            "--influx-batch-size", "1000", "--mqtt-user", "vigil-job", "--mqtt-password-file", "/etc/vigil/job.password"};

    @Test
    void theCommandLineAndClusterJobReadTheSameArgumentsAlike() {
        JobCommand job = parse("job", JOB_ARGS);
        JobConfig config = job.config();
        assertThat(config.get(JobOptions.SETTLE)).isEqualTo(Duration.ofMillis(100));
        assertThat(config.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.with(JobOptions.CHECKPOINT_DIR, JobOptions.CHECKPOINT_DIR.defaultValue()))
                .isEqualTo(ClusterJob.config(JOB_ARGS, 1));
    }

    @Test
    void filesNotGivenDefaultToTheCheckoutAndVigilHome() {
        Vigil vigil = new Vigil();
        CommandLine.ParseResult parsed = new CommandLine(vigil).parseArgs("job", "--web-ui-port", "0");
        JobConfig config = ((JobCommand) parsed.subcommand().commandSpec().userObject()).config();
        assertThat(config.get(JobOptions.RULES)).isEqualTo(vigil.root().resolve("config/rules.yaml"));
        assertThat(config.get(JobOptions.CHECKPOINT_DIR)).isEqualTo(vigil.home().resolve("flink/checkpoints"));
        assertThat(config.get(JobOptions.WEB_UI_PORT)).isZero();
        assertThat(config.with(JobOptions.RULES, JobOptions.RULES.defaultValue())
                .with(JobOptions.CHECKPOINT_DIR, JobOptions.CHECKPOINT_DIR.defaultValue())
                .with(JobOptions.WEB_UI_PORT, 8081)).as("nothing else given, nothing else changed")
                .isEqualTo(JobConfig.defaults());
    }

    @Test
    void aBadValueIsRefusedNamingTheOptionBeforeAnythingStarts() {
        ClusterCommandTest.Run run = ClusterCommandTest.run("job", "--settle", "soon");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--settle': expected a duration like 500ms, 10s, 5m, 1h or 1d, got \"soon\"");
        assertThat(ClusterCommandTest.run("job", "--web-ui-port", "70000").err())
                .contains("Invalid value for option '--web-ui-port': 70000 is not within 0..65535");
    }

    @Test
    void helpListsEveryJobOptionWithItsDescriptionAndDefault() {
        String help = ClusterCommandTest.run("job", "--help").out().replaceAll("\\s+", " ");
        for (JobOption<?> option : JobOptions.all()) {
            assertThat(help).as(option.flag()).contains(option.flag() + "=" + option.label());
        }
        assertThat(help).contains("--out-of-orderness=DURATION " + JobOptions.OUT_OF_ORDERNESS.description() + " Default: 5s.").contains("Default: $VIGIL_HOME/flink/checkpoints.");
    }

    @Test
    void benchE2eTakesTheJobsTuningOptionsFromTheirDeclarationAndPassesThemOnAsGiven() {
        CommandLine.ParseResult parsed = new CommandLine(new Vigil()).parseArgs("bench", "e2e",
                "--checkpoint-interval", "PT0.5S", "--parallelism", "2", "--buffer-timeout", "10ms");
        BenchE2eCommand e2e = (BenchE2eCommand) parsed.subcommand().subcommand().commandSpec().userObject();
        assertThat(e2e.job.get(JobOptions.PARALLELISM)).isEqualTo(2);
        assertThat(e2e.job.get(JobOptions.OUT_OF_ORDERNESS)).isEqualTo(JobOptions.OUT_OF_ORDERNESS.defaultValue());
        assertThat(e2e.job.arguments(option -> !option.equals(JobOptions.PARALLELISM)))
                .containsExactly("--checkpoint-interval", "500ms", "--buffer-timeout", "10ms");
        String help = ClusterCommandTest.run("bench", "e2e", "--help").out().replaceAll("\\s+", " ");
        assertThat(help).contains("--out-of-orderness=DURATION " + JobOptions.OUT_OF_ORDERNESS.description());
    }

    private static JobCommand parse(String command, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine.ParseResult parsed = new CommandLine(new Vigil()).parseArgs(all);
        return (JobCommand) parsed.subcommand().commandSpec().userObject();
    }
}

package io.vigil.app;

import io.vigil.cluster.ClusterSettings;
import io.vigil.cluster.FlinkCluster;
import io.vigil.cluster.FlinkRest;
import io.vigil.common.Topics;
import io.vigil.job.ClusterJob;
import io.vigil.job.JobConfig;
import io.vigil.job.JobOptions;
import io.vigil.job.RetainedCheckpoints;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vigil cluster start|stop|status|submit}: a Flink standalone session cluster on this machine (docs/deploy.md). */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A Flink standalone session cluster as separate processes on 127.0.0.1 (one JobManager, N",
                "TaskManagers) and submission of the Vigil job jar to it, or to any Flink 2.x cluster, over REST."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class,
                ClusterCommand.Submit.class})
final class ClusterCommand {
    static final String DEFAULT_REST_URL = "http://127.0.0.1:8091";

    @ParentCommand
    Vigil vigil;

    @Option(names = "--home", paramLabel = "DIR",
            description = "Cluster config, logs, pid files and checkpoints (default $VIGIL_HOME/flink-cluster).")
    Path home;

    /** What every subcommand shares: the cluster options and where output goes. */
    abstract static class Subcommand implements Callable<Integer> {
        @ParentCommand ClusterCommand cluster;
        @Spec CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }

    /** The REST endpoint of the cluster that stop, status and submit talk to. */
    static final class RestUrl {
        @Option(names = "--rest-url", description = "The cluster's REST URL (default " + DEFAULT_REST_URL + ").")
        String url = DEFAULT_REST_URL;
    }

    ClusterSettings settings() {
        return ClusterSettings.defaults(home != null ? home.toAbsolutePath() : vigil.home().resolve("flink-cluster"));
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the JobManager and the TaskManagers in the background and returns once all have registered.")
    static final class Start extends Subcommand {
        @Option(names = "--task-managers", description = "TaskManager processes (default 2).") Integer taskManagers;
        @Option(names = "--slots", description = "Task slots per TaskManager (default 2).") Integer slots;
        @Option(names = "--rest-port", description = "REST API and web UI port (default 8091).") Integer restPort;
        @Option(names = "--rpc-port", description = "JobManager RPC port (default 6123).") Integer rpcPort;

        @Override
        public Integer call() throws Exception {
            ClusterSettings s = cluster.settings();
            s = s.withTaskManagers(taskManagers != null ? taskManagers : s.taskManagers(), slots != null ? slots : s.slotsPerTaskManager())
                    .withPorts(restPort != null ? restPort : s.restPort(), rpcPort != null ? rpcPort : s.rpcPort());
            out().println("cluster: starting 1 JobManager and " + s.taskManagers() + " TaskManagers ("
                    + s.slotsPerTaskManager() + " slots each) under " + s.home());
            FlinkCluster.detached(s).start();
            out().println("cluster: running; web UI and REST " + s.restUrl() + ", logs " + s.home() + "/*/*.log");
            out().println("cluster: submit the job with: bin/vigil cluster submit --rest-url " + s.restUrl());
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Cancels running jobs (their last checkpoint is retained for the next submit --restore latest),",
                    "then stops the TaskManagers and the JobManager."})
    static final class Stop extends Subcommand {
        @Mixin RestUrl rest;

        @Override
        public Integer call() throws Exception {
            ClusterSettings s = cluster.settings();
            FlinkRest flink = new FlinkRest(rest.url);
            if (!FlinkCluster.runningProcesses(s).isEmpty() && flink.isUp()) {
                for (String job : flink.jobs("RUNNING")) {
                    flink.cancel(job);
                    out().println("cluster: cancelled job " + job);
                }
            }
            List<String> stopped = FlinkCluster.stop(s);
            out().println(stopped.isEmpty() ? "cluster: nothing was running under " + s.home()
                    : "cluster: stopped " + String.join(", ", stopped));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows the cluster's processes, slots and jobs. Exit code 0 if its JobManager runs, 1 if not.")
    static final class Status extends Subcommand {
        @Mixin RestUrl rest;

        @Override
        public Integer call() throws Exception {
            ClusterSettings s = cluster.settings();
            Map<String, Long> running = FlinkCluster.runningProcesses(s);
            running.forEach((name, pid) -> out().println("cluster: " + name + " pid " + pid + ", log "
                    + FlinkCluster.logFile(s, name)));
            FlinkRest flink = new FlinkRest(rest.url);
            if (!flink.isUp()) {
                out().println("cluster: no JobManager answers at " + rest.url
                        + (running.isEmpty() ? "; no cluster process runs under " + s.home() : ""));
                return 1;
            }
            var o = flink.overview();
            out().println("cluster: " + rest.url + ": " + o.path("taskmanagers").asInt() + " TaskManagers, "
                    + o.path("slots-available").asInt() + " of " + o.path("slots-total").asInt() + " slots free, "
                    + o.path("jobs-running").asInt() + " jobs running");
            for (String job : flink.jobs("RUNNING")) {
                var c = flink.checkpoints(job).path("counts");
                out().println("cluster: job " + job + " RUNNING on " + flink.taskManagersRunning(job)
                        + ", checkpoints completed " + c.path("completed").asInt() + ", restores " + c.path("restored").asInt());
            }
            RetainedCheckpoints.latest(s.checkpointDir())
                    .ifPresent(chk -> out().println("cluster: latest retained checkpoint " + chk));
            return 0;
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Uploads the job jar to a Flink cluster's REST API and runs it (entry class "
                    + "io.vigil.job.ClusterJob). Creates the Kafka topics with --partitions partitions if they do not exist.",
                    "Job options left out keep the job's defaults; the job reads them as bin/vigil job does."})
    static final class Submit extends Subcommand {
        @Mixin RestUrl rest;
        @Option(names = "--jar", paramLabel = "FILE", description = "Job jar (default flink-jobs/target/vigil-job.jar in the checkout).") Path jar;
        @Option(names = "--parallelism", description = "Job parallelism (default 2).") int parallelism = 2;
        @Option(names = "--partitions", description = "Partitions of topics created here (default 4; 0 = create none).") int partitions = 4;
        @Option(names = "--restore", paramLabel = "latest|PATH",
                description = "Start from a savepoint or retained checkpoint; 'latest' = the newest under this cluster's home.") String restore;
        @Mixin JobOptionsMixin.Submitted job;

        @Override
        public Integer call() throws Exception {
            Path jobJar = jar != null ? jar : cluster.vigil.root().resolve("flink-jobs/target/vigil-job.jar");
            if (!Files.isRegularFile(jobJar)) {
                err().println("cluster: no job jar at " + jobJar + "; build it with: mvn -B package -DskipTests");
                return 2;
            }
            if (partitions > 0) {
                createTopics(job.get(JobOptions.KAFKA), partitions);
            }
            Optional<String> from = restorePath();
            FlinkRest flink = new FlinkRest(rest.url);
            String jobId = flink.runJar(flink.uploadJar(jobJar), ClusterJob.class.getName(), jobArguments(), parallelism, from);
            out().println("cluster: job " + jobId + " submitted with parallelism " + parallelism
                    + from.map(p -> ", restoring " + p).orElse("") + "; " + rest.url + "/#/job/running/" + jobId + "/overview");
            return 0;
        }

        /** The program arguments ClusterJob reads: the options given, and the rules file as an absolute path. */
        List<String> jobArguments() {
            Path rules = job.given(JobOptions.RULES) ? job.get(JobOptions.RULES)
                    : cluster.vigil.root().resolve("config/rules.yaml");
            return ClusterJob.arguments(job.applyTo(JobConfig.defaults()).with(JobOptions.RULES, rules.toAbsolutePath()));
        }

        private Optional<String> restorePath() {
            if (restore == null) {
                return Optional.empty();
            }
            if (!restore.equals("latest")) {
                return Optional.of(restore);
            }
            Path dir = cluster.settings().checkpointDir();
            Optional<Path> latest = Files.isDirectory(dir) ? RetainedCheckpoints.latest(dir) : Optional.empty();
            return Optional.of(latest.orElseThrow(() -> new IllegalStateException("no retained checkpoint under " + dir))
                    .toUri().toString());
        }

        /** Creates the missing topics; says so when an existing one has fewer partitions than the job's parallelism. */
        private void createTopics(String bootstrap, int count) throws Exception {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            // kafka-clients refuses an API timeout below the request timeout (30 s by default): lower both
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000);
            String readingsTopic = job.get(JobOptions.READINGS_TOPIC);
            // the job's topics as given, and the gateway's dead letters
            List<String> topics = List.of(readingsTopic, Topics.DEADLETTER, job.get(JobOptions.ALERTS_TOPIC),
                    job.get(JobOptions.CONTROL_TOPIC), job.get(JobOptions.AUDIT_TOPIC));
            try (Admin admin = Admin.create(p)) {
                Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                        .map(t -> new NewTopic(t, count, (short) -1)).collect(Collectors.toList());
                if (!missing.isEmpty()) {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    out().println("cluster: created topics " + missing.stream().map(NewTopic::name).toList()
                            + " with " + count + " partitions");
                }
                Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                TopicDescription readings = described.get(readingsTopic);
                if (readings.partitions().size() < parallelism) {
                    out().println("cluster: note: " + readingsTopic + " has " + readings.partitions().size()
                            + " partitions, fewer than the parallelism " + parallelism + ": some source tasks stay idle");
                }
            }
        }
    }
}

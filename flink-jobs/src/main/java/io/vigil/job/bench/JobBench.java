package io.vigil.job.bench;

import io.vigil.common.Alert;
import io.vigil.job.LoopbackCluster;
import io.vigil.job.VigilJob;
import io.vigil.job.anomaly.AnomalyScore;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job alone: {@link VigilJob#build} with the full detector set on a synthetic fleet
 * ({@link SyntheticReadings}), sinks that count and discard, on a local Flink cluster in this JVM. Measures from the
 * first reading emitted to the completion of a full checkpoint taken right after the last one (its barriers trail
 * the last readings through every operator, so every reading has been processed by then); that checkpoint's size
 * divided by the devices is the state per device.
 */
public final class JobBench {
    private static final String RULES = "bench-rules.yaml";
    /** RocksDB's block cache and write buffers come out of managed memory; Flink's local default is small. */
    private static final MemorySize MANAGED_MEMORY = MemorySize.parse("512m");
    /**
     * The bench's readers are never idle until they end; a reader held back by backpressure on a loaded machine
     * must not be declared idle, or the other readers' watermark would overtake its readings and make them late.
     */
    private static final Duration WATERMARK_IDLENESS = Duration.ofDays(1);
    private static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration DEPLOYMENT_TIMEOUT = Duration.ofSeconds(60);

    private JobBench() {}

    /** Every detector kind on the synthetic fleet's metric. */
    public static RuleSet benchRules() {
        try (InputStream in = JobBench.class.getResourceAsStream(RULES)) {
            return RulesLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RULES);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RULES, e);
        }
    }

    public static JobBenchResult run(JobBenchSettings settings) throws Exception {
        Path checkpoints = Files.createTempDirectory("vigil-bench-checkpoints");
        try (BenchTally tally = BenchTally.open(settings.readings());
             MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                     .setConfiguration(clusterConfig(settings, checkpoints))
                     .setNumTaskManagers(1)
                     .setNumSlotsPerTaskManager(settings.parallelism())
                     .build())) {
            cluster.start();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    clusterConfig(settings, checkpoints));
            env.setParallelism(settings.parallelism());
            VigilJob.build(env,
                    new SyntheticReadings(tally, settings.devices(), settings.reportEvery().toMillis(),
                            settings.parallelism()),
                    VigilJob.watermarks(MAX_OUT_OF_ORDERNESS, WATERMARK_IDLENESS), null,
                    new CountingSink<>(tally, "readings"), new CountingSink<AnomalyScore>(tally, "scores"),
                    List.<Sink<Alert>>of(new CountingSink<>(tally, "alerts")), List.of(), settings.rules());
            JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();

            BenchTally.Mark start = tally.firstEmitted.get();
            tally.allEmitted.get();
            drainCheckpoint(cluster, job);
            BenchTally.Mark end = BenchTally.Mark.now();

            JobResult result = cluster.requestJobResult(job).get();
            if (!result.isSuccess()) {
                throw new IllegalStateException("benchmark job failed", result.getSerializedThrowable()
                        .map(t -> t.deserializeError(JobBench.class.getClassLoader())).orElse(null));
            }
            if (tally.readings.sum() != tally.emitted.get()) {
                throw new IllegalStateException("the series sink counted " + tally.readings.sum() + " readings of "
                        + tally.emitted.get() + " generated");
            }
            AccessExecutionGraph graph = cluster.getArchivedExecutionGraph(job).get();
            CompletedCheckpointStats checkpoint = graph.getCheckpointStatsSnapshot().getHistory()
                    .getLatestCompletedCheckpoint();
            if (checkpoint == null) {
                throw new IllegalStateException("the drain checkpoint did not complete");
            }
            return new JobBenchResult(settings.devices(), settings.backend(), settings.parallelism(),
                    tally.emitted.get(), tally.readings.sum(), tally.alerts.sum(), tally.scores.sum(),
                    Duration.ofNanos(end.wallNanos() - start.wallNanos()),
                    Duration.ofNanos(end.cpuNanos() - start.cpuNanos()),
                    checkpoint.getStateSize(), Duration.ofMillis(checkpoint.getEndToEndDuration()),
                    stateByOperator(graph, checkpoint));
        } finally {
            deleteTree(checkpoints);
        }
    }

    private static List<OperatorState> stateByOperator(AccessExecutionGraph graph, CompletedCheckpointStats checkpoint) {
        List<OperatorState> split = new ArrayList<>();
        for (AccessExecutionJobVertex vertex : graph.getVerticesTopologically()) {
            TaskStateStats stats = checkpoint.getTaskStateStats(vertex.getJobVertexId());
            split.add(new OperatorState(vertex.getName(), stats == null ? 0 : stats.getStateSize()));
        }
        return split;
    }

    /**
     * A small run can emit everything before the last task is deployed, and a checkpoint needs every task running:
     * such a trigger is refused, so it is tried again until the deployment is done.
     */
    private static void drainCheckpoint(MiniCluster cluster, JobID job) throws Exception {
        long deadline = System.nanoTime() + DEPLOYMENT_TIMEOUT.toNanos();
        while (true) {
            try {
                cluster.triggerCheckpoint(job).get();
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
                        .join();
            }
        }
    }

    /**
     * Loopback only, no restarts (a failure fails the run instead of counting readings twice), full (not
     * incremental) checkpoints on local disk, and none but the driver's drain checkpoint: the interval is longer
     * than any run, and finished tasks do not wait for a final one.
     */
    private static Configuration clusterConfig(JobBenchSettings settings, Path checkpoints) {
        Configuration conf = LoopbackCluster.configuration("0");
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        conf.set(StateBackendOptions.STATE_BACKEND, settings.backend().flinkName);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofDays(1));
        conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, false);
        return conf;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

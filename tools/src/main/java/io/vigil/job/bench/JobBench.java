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
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.clusterframework.ApplicationStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job alone: {@link VigilJob#build} with the full detector set on a synthetic fleet
 * ({@link SyntheticReadings}), sinks that count and discard, on a local Flink cluster in this JVM. Measures from the
 * first reading emitted to the completion of a full checkpoint taken right after the last one (its barriers trail
 * the last readings through every operator, so every reading has reached every operator by then); that checkpoint's
 * size divided by the devices is the state per device. Then the input ends, and the final watermark flushes what
 * waited for it, within a short grace (see {@link #END_OF_INPUT_GRACE}).
 */
public final class JobBench {
    private static final String RULES = "bench-job-rules.yaml";
    /**
     * RocksDB's block cache and write buffers come out of managed memory; Flink's local default is small. The bench
     * sizes it as docs/deploy.md sizes a deployment: a base plus room for each series' state (~1 KB, kept twice in
     * the worst case while compaction rewrites it), so a 1M-device run reads its state from the cache, not the disk.
     */
    private static final MemorySize MANAGED_MEMORY_BASE = MemorySize.parse("512m");
    private static final long MANAGED_MEMORY_PER_DEVICE = 2048;
    /**
     * The bench's readers are never idle until they end; a reader held back by backpressure on a loaded machine
     * must not be declared idle, or the other readers' watermark would overtake its readings and make them late.
     */
    private static final Duration WATERMARK_IDLENESS = Duration.ofDays(1);
    private static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration DEPLOYMENT_TIMEOUT = Duration.ofSeconds(60);
    /** A run's bound when none is given: a 1M-device run on an idle machine takes a few minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** How long the job may take to end after the drain checkpoint before it is cancelled; not measured. */
    static final Duration END_OF_INPUT_GRACE = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(JobBench.class);

    private JobBench() {}

    /** Every detector kind on the synthetic fleet's metric. */
    public static RuleSet benchRules() {
        try (InputStream in = JobBench.class.getResourceAsStream(RULES)) {
            return RulesLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RULES);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RULES, e);
        }
    }

    /** A run with the default bound, {@link #DEFAULT_TIMEOUT}. */
    public static JobBenchResult run(JobBenchSettings settings) throws Exception {
        return run(settings, DEFAULT_TIMEOUT);
    }

    /**
     * One run, bounded: it returns its figures, or throws {@link JobBenchException} within about {@code timeout}
     * (plus the time to cancel the job) saying why not — the job failed, its state does not fit the heap, or the
     * time is up — and how far it got.
     */
    public static JobBenchResult run(JobBenchSettings settings, Duration timeout) throws Exception {
        Path checkpoints = Files.createTempDirectory("vigil-bench-checkpoints");
        // a run stopped from outside (timeout(1), Ctrl-C) skips the finally below; a 1M-device run leaves GBs
        Thread removeCheckpoints = new Thread(() -> deleteQuietly(checkpoints), "remove-bench-checkpoints");
        Runtime.getRuntime().addShutdownHook(removeCheckpoints);
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
            RunWatch watch = new RunWatch(cluster, job, tally, timeout);

            BenchTally.Mark start = watch.await(tally.firstEmitted, "the first reading");
            watch.await(tally.allEmitted, "the source to emit every reading");
            BenchTally.Mark emitted = BenchTally.Mark.now();
            drainCheckpoint(cluster, job, watch);
            BenchTally.Mark end = BenchTally.Mark.now();
            LOG.info("{} devices on {}: every reading emitted after {} s, drain checkpoint done {} s later",
                    settings.devices(), settings.backend(), seconds(start, emitted), seconds(emitted, end));
            // the series sink is chained to the source, so it counted every reading before the barrier left
            if (tally.readings.sum() != tally.emitted.get()) {
                throw new JobBenchException("the series sink counted " + tally.readings.sum() + " readings of "
                        + tally.emitted.get() + " generated", null);
            }
            AccessExecutionGraph graph = watch
                    .awaitEvenAfterEnd(cluster.getArchivedExecutionGraph(job), "the job's checkpoint stats");
            CompletedCheckpointStats checkpoint = graph.getCheckpointStatsSnapshot().getHistory()
                    .getLatestCompletedCheckpoint();
            if (checkpoint == null) {
                throw new JobBenchException("the drain checkpoint did not complete", null);
            }
            // the figures are in; what is left is the end of the input, whose final watermark fires every
            // device's timers at once (forget timers, no-data checks): seconds for small fleets, minutes at 100k
            // devices on RocksDB, work a live job reading Kafka never does, so it gets a short grace and is then cut
            if (watch.awaitEnd(END_OF_INPUT_GRACE)) {
                LOG.info("the job ended {} s after the drain checkpoint", seconds(end, BenchTally.Mark.now()));
            } else {
                LOG.info("the end-of-input timers took over {} s: job cancelled, alerts and scores are those counted"
                        + " until then", END_OF_INPUT_GRACE.toSeconds());
                cluster.cancelJob(job);
            }
            JobResult result = watch.jobResult();
            if (!result.isSuccess() && result.getApplicationStatus() != ApplicationStatus.CANCELED) {
                throw new JobBenchException("the benchmark job failed after its drain checkpoint",
                        result.getSerializedThrowable()
                                .map(t -> t.deserializeError(JobBench.class.getClassLoader())).orElse(null));
            }
            return new JobBenchResult(settings.devices(), settings.backend(), settings.parallelism(),
                    tally.emitted.get(), tally.readings.sum(), tally.alerts.sum(), tally.scores.sum(),
                    Duration.ofNanos(end.wallNanos() - start.wallNanos()),
                    Duration.ofNanos(end.cpuNanos() - start.cpuNanos()),
                    checkpoint.getStateSize(), Duration.ofMillis(checkpoint.getEndToEndDuration()),
                    stateByOperator(graph, checkpoint));
        } finally {
            Runtime.getRuntime().removeShutdownHook(removeCheckpoints);
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

    private static String seconds(BenchTally.Mark from, BenchTally.Mark to) {
        return String.format(Locale.ROOT, "%.1f", (to.wallNanos() - from.wallNanos()) / 1e9);
    }

    /**
     * A small run can emit everything before the last task is deployed, and a checkpoint needs every task running:
     * such a trigger is refused, so it is tried again until the deployment is done.
     */
    private static void drainCheckpoint(MiniCluster cluster, JobID job, RunWatch watch) throws Exception {
        long deadline = System.nanoTime() + DEPLOYMENT_TIMEOUT.toNanos();
        while (true) {
            try {
                watch.await(cluster.triggerCheckpoint(job), "the drain checkpoint");
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new JobBenchException("the drain checkpoint was refused for "
                            + DEPLOYMENT_TIMEOUT.toSeconds() + " s", e.getCause());
                }
                watch.await(CompletableFuture.runAsync(() -> {},
                        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)), "a checkpoint retry");
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
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, new MemorySize(MANAGED_MEMORY_BASE.getBytes()
                + MANAGED_MEMORY_PER_DEVICE * settings.devices()));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        conf.set(StateBackendOptions.STATE_BACKEND, settings.backend().flinkName);
        // RocksDB keeps its timers in RocksDB too (Flink's default, stated because it matters): on the heap, 1M
        // devices are ~7.5M timer objects, the same heap pressure that RocksDB is chosen to avoid
        conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofDays(1));
        conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, false);
        // JobManager and TaskManager share this JVM, so a long collection pauses both alike: a missed heartbeat
        // then says nothing but "GC", and used to fail the job while the driver waited; the run's bound and
        // RunWatch's heap check say it instead
        conf.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT);
        return conf;
    }

    private static void deleteQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not remove the bench's checkpoints in " + root + ": " + e);
        }
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

package io.vigil.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The shape of a Flink standalone session cluster on loopback. Defaults live in {@link #defaults} only.
 *
 * @param home                config, logs, pid files, checkpoints and uploaded jars, all under this directory
 * @param restPort            REST API and web UI on 127.0.0.1 (job submission goes through it)
 * @param rpcPort             the JobManager's RPC port; TaskManagers and the blob server take free ports
 * @param taskManagers        TaskManager processes
 * @param slotsPerTaskManager task slots of each; for a failover to fit, the survivors must hold the job's parallelism
 * @param heartbeatTimeout    how soon a TaskManager that stopped answering is declared lost (Flink's default, 50 s,
 *                            is meant for busy networks; on one machine a few seconds suffice)
 */
public record ClusterSettings(Path home, int restPort, int rpcPort, int taskManagers, int slotsPerTaskManager,
                              Duration heartbeatTimeout) {

    /** Ports beside the demo's (its embedded job's web UI is on 8081). */
    public static ClusterSettings defaults(Path home) {
        return new ClusterSettings(home, 8091, 6123, 2, 2, Duration.ofSeconds(10));
    }

    /** Returns these settings if every field is usable; otherwise throws naming the field. */
    public ClusterSettings validate() {
        Objects.requireNonNull(home, "home");
        check(port(restPort), "restPort", restPort + " is not a port");
        check(port(rpcPort), "rpcPort", rpcPort + " is not a port");
        check(restPort != rpcPort, "rpcPort", "must differ from restPort");
        check(taskManagers >= 1, "taskManagers", taskManagers + " must be at least 1");
        check(slotsPerTaskManager >= 1, "slotsPerTaskManager", slotsPerTaskManager + " must be at least 1");
        check(heartbeatTimeout != null && heartbeatTimeout.compareTo(Duration.ofSeconds(2)) >= 0,
                "heartbeatTimeout", heartbeatTimeout + " must be at least 2 s");
        return this;
    }

    public ClusterSettings withPorts(int restPort, int rpcPort) {
        return new ClusterSettings(home, restPort, rpcPort, taskManagers, slotsPerTaskManager, heartbeatTimeout);
    }

    public ClusterSettings withTaskManagers(int taskManagers, int slotsPerTaskManager) {
        return new ClusterSettings(home, restPort, rpcPort, taskManagers, slotsPerTaskManager, heartbeatTimeout);
    }

    public ClusterSettings withHeartbeatTimeout(Duration heartbeatTimeout) {
        return new ClusterSettings(home, restPort, rpcPort, taskManagers, slotsPerTaskManager, heartbeatTimeout);
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** Where the cluster's checkpoints go (retained on cancellation, so a resubmission can restore them). */
    public Path checkpointDir() {
        return home.resolve("checkpoints");
    }

    private static boolean port(int p) {
        return p > 0 && p <= 65535;
    }

    private static void check(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("cluster settings: " + field + ": " + problem);
        }
    }
}

package io.vigil.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/** The configuration of a Flink cluster embedded in this JVM that listens on 127.0.0.1 only. */
public final class LoopbackCluster {
    private static final String LOOPBACK = "127.0.0.1";

    private LoopbackCluster() {}

    /** @param restPort the web UI / REST port, "0" for any free one */
    public static Configuration configuration(String restPort) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_PORT, restPort);
        // the blob server and the shuffle server bind every interface unless told otherwise
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        return conf;
    }
}

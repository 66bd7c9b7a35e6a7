package io.vigil.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's {@code conf/config.yaml} (Flink 2.x reads only this name) and {@code conf/log4j.properties}.
 * Everything binds to 127.0.0.1; every directory Flink writes is under the cluster's home.
 */
final class ClusterConfigFile {
    private static final String LOOPBACK = "127.0.0.1";

    private ClusterConfigFile() {}

    static Path confDir(ClusterSettings s) {
        return s.home().resolve("conf");
    }

    /**
     * Flink's start scripts derive a TaskManager's memory from its config and pass both the JVM flags and the
     * derived sizes; run without them, TaskManagerRunner needs every size explicit. Heap = framework + task heap,
     * direct memory = framework off-heap + task off-heap + network.
     */
    static List<String> taskManagerMemory() {
        return List.of("-Xms320m", "-Xmx320m", "-XX:MaxDirectMemorySize=160m", "-XX:MaxMetaspaceSize=192m");
    }

    static List<String> jobManagerMemory() {
        return List.of("-Xms256m", "-Xmx384m", "-XX:MaxMetaspaceSize=192m");
    }

    static Map<String, String> entries(ClusterSettings s) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", LOOPBACK);
        c.put("jobmanager.rpc.port", Integer.toString(s.rpcPort()));
        c.put("jobmanager.bind-host", LOOPBACK);
        c.put("jobmanager.memory.process.size", "768m");
        c.put("rest.address", LOOPBACK);
        c.put("rest.bind-address", LOOPBACK);
        c.put("rest.port", Integer.toString(s.restPort()));
        c.put("blob.server.port", "0");
        c.put("taskmanager.host", LOOPBACK);
        c.put("taskmanager.bind-host", LOOPBACK);
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.data.port", "0");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(s.slotsPerTaskManager()));
        // spread a job's slots over the TaskManagers, so losing one leaves part of the job where it was
        c.put("taskmanager.load-balance.mode", "SLOTS");
        c.put("taskmanager.cpu.cores", Integer.toString(s.slotsPerTaskManager()));
        c.put("taskmanager.memory.framework.heap.size", "64m");
        c.put("taskmanager.memory.task.heap.size", "256m");
        c.put("taskmanager.memory.framework.off-heap.size", "64m");
        c.put("taskmanager.memory.task.off-heap.size", "32m");
        c.put("taskmanager.memory.network.min", "64m");
        c.put("taskmanager.memory.network.max", "64m");
        // the heap state backend keeps state on the task heap; RocksDB would need managed memory here
        c.put("taskmanager.memory.managed.size", "0m");
        c.put("taskmanager.memory.jvm-metaspace.size", "192m");
        c.put("taskmanager.memory.jvm-overhead.min", "64m");
        c.put("taskmanager.memory.jvm-overhead.max", "64m");
        c.put("state.backend.type", "hashmap");
        c.put("execution.checkpointing.dir", quoted(s.checkpointDir().toUri().toString()));
        c.put("execution.checkpointing.savepoint-dir", quoted(s.home().resolve("savepoints").toUri().toString()));
        c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        c.put("execution.checkpointing.num-retained", "2");
        c.put("restart-strategy.type", "exponential-delay");
        c.put("restart-strategy.exponential-delay.initial-backoff", "1 s");
        c.put("restart-strategy.exponential-delay.max-backoff", "10 s");
        long timeout = s.heartbeatTimeout().toMillis();
        c.put("heartbeat.timeout", Long.toString(timeout));
        c.put("heartbeat.interval", Long.toString(Math.max(500, timeout / 5)));
        c.put("io.tmp.dirs", quoted(s.home().resolve("tmp").toString()));
        c.put("blob.storage.directory", quoted(s.home().resolve("tmp").resolve("blobs").toString()));
        c.put("web.tmpdir", quoted(s.home().resolve("tmp").resolve("web").toString()));
        c.put("web.upload.dir", quoted(s.home().resolve("jars").toString()));
        return c;
    }

    /** Writes the config dir afresh and returns it. */
    static Path write(ClusterSettings s) throws IOException {
        Path conf = confDir(s);
        Files.createDirectories(conf);
        for (String dir : List.of("tmp", "jars", "checkpoints", "savepoints")) {
            Files.createDirectories(s.home().resolve(dir));
        }
        StringBuilder yaml = new StringBuilder("# written by Vigil (bin/vigil cluster start); rewritten on every start\n");
        entries(s).forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml);
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level=INFO",
                "rootLogger.appenderRef.out.ref=out",
                "appender.out.type=Console",
                "appender.out.name=out",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
                "logger.kafka.name=org.apache.kafka",
                "logger.kafka.level=WARN",
                "logger.pekko.name=org.apache.pekko",
                "logger.pekko.level=WARN",
                "logger.shaded.name=org.apache.flink.shaded",
                "logger.shaded.level=WARN",
                ""));
        return conf;
    }

    private static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}

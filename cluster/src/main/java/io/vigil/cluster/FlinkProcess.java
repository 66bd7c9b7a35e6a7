package io.vigil.cluster;

import io.vigil.stack.JavaCommand;
import io.vigil.stack.LocalServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** One JobManager or TaskManager JVM, run from Flink's runtime jars the way Flink's own scripts would run it. */
final class FlinkProcess extends LocalServer {
    private static final String CLASSPATH_RESOURCE = "vigil/flink-cluster.classpath";
    /** What Flink's scripts pass on Java 17, so Kryo can reach into JDK collections and time types. */
    private static final List<String> JAVA_17_OPENS = List.of("java.lang", "java.lang.reflect", "java.io", "java.net",
            "java.nio", "sun.nio.ch", "java.text", "java.time", "java.util", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.concurrent.locks");

    enum Role {
        JOBMANAGER("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"),
        TASKMANAGER("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");

        final String mainClass;

        Role(String mainClass) {
            this.mainClass = mainClass;
        }
    }

    private final Role role;
    private final Path confDir;
    private final List<String> memory;
    private final List<String> dynamicProperties;
    private final BooleanSupplier ready;

    /**
     * @param memory            JVM memory flags matching the memory the config gives this process
     * @param dynamicProperties {@code key=value} overrides of the shared config for this process only
     * @param ready             true once the cluster sees this process serving
     */
    FlinkProcess(String name, Path dir, Role role, Path confDir, List<String> memory, List<String> dynamicProperties,
                 BooleanSupplier ready) {
        super(name, dir);
        this.role = role;
        this.confDir = confDir;
        this.memory = memory;
        this.dynamicProperties = dynamicProperties;
        this.ready = ready;
    }

    /** The string in this process's command line that tells it from every other process: its config dir. */
    static String marker(Path confDir) {
        return "--configDir " + confDir;
    }

    @Override
    protected void prepare() {
        // the cluster writes the shared config before it starts any process
    }

    @Override
    protected List<String> command() {
        List<String> options = new ArrayList<>(memory);
        options.add("-XX:+UseG1GC");
        List<String> cmd = JavaCommand.java(options);
        JAVA_17_OPENS.forEach(p -> cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
        cmd.add("-Dlog.file=" + logFile()); // the web UI shows this file
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties"));
        cmd.addAll(List.of("-cp", classpath(), role.mainClass, "--configDir", confDir.toString()));
        dynamicProperties.forEach(p -> cmd.add("-D" + p));
        return cmd;
    }

    @Override
    protected boolean ready() {
        return ready.getAsBoolean();
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(90);
    }

    static String classpath() {
        try (InputStream in = FlinkProcess.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " missing: build the cluster module with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.vigil.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A Flink standalone session cluster as separate processes on 127.0.0.1: one JobManager and
 * {@link ClusterSettings#taskManagers()} TaskManagers, each in its own session, with config, logs, pid files and
 * checkpoints under {@link ClusterSettings#home()}. Jobs reach it through {@link #rest()}.
 *
 * <p>Owned (tests): {@link #close()} stops what this object started. Detached ({@code bin/vigil cluster start}):
 * the processes outlive this JVM, and {@link #stop} finds them again by their pid files.
 */
public final class FlinkCluster implements AutoCloseable {
    public static final String JOBMANAGER = "jobmanager";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ClusterSettings settings;
    private final boolean detached;
    private final FlinkRest rest;
    private final Map<String, FlinkProcess> started = new LinkedHashMap<>();

    private FlinkCluster(ClusterSettings settings, boolean detached) {
        this.settings = settings.validate();
        this.detached = detached;
        this.rest = new FlinkRest(settings.restUrl());
    }

    /** A cluster this JVM owns: stopped by {@link #close()} or, at the latest, when this JVM exits. */
    public static FlinkCluster owned(ClusterSettings settings) {
        return new FlinkCluster(settings, false);
    }

    /** A cluster that outlives this JVM; stop it with {@link #stop}. */
    public static FlinkCluster detached(ClusterSettings settings) {
        return new FlinkCluster(settings, true);
    }

    public ClusterSettings settings() {
        return settings;
    }

    public FlinkRest rest() {
        return rest;
    }

    /** {@code taskmanager-1} ... : the TaskManagers' process names, which are also their Flink resource ids. */
    public List<String> taskManagerNames() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= settings.taskManagers(); i++) {
            names.add("taskmanager-" + i);
        }
        return names;
    }

    /** Writes the config, starts the JobManager, then every TaskManager, and returns once all have registered. */
    public synchronized FlinkCluster start() throws IOException, InterruptedException {
        Map<String, Long> running = runningProcesses(settings);
        if (!running.isEmpty()) {
            throw new IllegalStateException("a Flink cluster already runs from " + settings.home() + " (pids "
                    + running + "); stop it first");
        }
        Path conf = ClusterConfigFile.write(settings);
        Files.createDirectories(runDir(settings));
        startProcess(JOBMANAGER, new FlinkProcess(JOBMANAGER, settings.home().resolve(JOBMANAGER), FlinkProcess.Role.JOBMANAGER,
                conf, ClusterConfigFile.jobManagerMemory(), List.of(), rest::isUp));
        // in parallel: each TaskManager JVM spends most of its start-up loading classes on its own
        List<CompletableFuture<Void>> taskManagers = new ArrayList<>();
        for (String name : taskManagerNames()) {
            FlinkProcess tm = new FlinkProcess(name, settings.home().resolve(name), FlinkProcess.Role.TASKMANAGER,
                    conf, ClusterConfigFile.taskManagerMemory(), List.of("taskmanager.resource-id=" + name),
                    () -> registered(name));
            taskManagers.add(CompletableFuture.runAsync(() -> {
                try {
                    startProcess(name, tm);
                } catch (IOException e) {
                    throw new CompletionException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                }
            }, run -> new Thread(run, name + "-start").start())); // not the common pool: one thread on 2 cores
        }
        try {
            CompletableFuture.allOf(taskManagers.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            stopStarted();
            throw new IOException("Flink cluster failed to start: " + e.getCause().getMessage(), e.getCause());
        }
        return this;
    }

    private void startProcess(String name, FlinkProcess process) throws IOException, InterruptedException {
        process.stopOnJvmExit(!detached);
        synchronized (started) {
            started.put(name, process);
        }
        try {
            process.start();
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e;
        }
        Files.writeString(pidFile(settings, name), Long.toString(process.pid()));
    }

    private boolean registered(String taskManager) {
        try {
            return rest.taskManagerIds().contains(taskManager);
        } catch (IOException e) {
            return false;
        }
    }

    /** The pid of a process this object started ({@link #JOBMANAGER} or a TaskManager name). */
    public long pid(String name) {
        FlinkProcess p;
        synchronized (started) {
            p = started.get(name);
        }
        if (p == null || !p.isRunning()) {
            throw new IllegalArgumentException(name + " is not running in this cluster");
        }
        return p.pid();
    }

    /** Stops what this object started, TaskManagers first. A detached cluster keeps running. */
    @Override
    public synchronized void close() {
        if (!detached) {
            stopStarted();
        }
    }

    private void stopStarted() {
        List<String> order;
        synchronized (started) {
            order = new ArrayList<>(started.keySet());
        }
        order.remove(JOBMANAGER);
        order.add(JOBMANAGER);
        for (String name : order) {
            FlinkProcess p;
            synchronized (started) {
                p = started.remove(name);
            }
            if (p != null) {
                p.close();
                deletePidFile(name);
            }
        }
    }

    /**
     * The live cluster processes started from {@code settings.home()}, by name, as their pid files and command
     * lines say (a stale pid file, or a pid now used by another process, does not count).
     */
    public static Map<String, Long> runningProcesses(ClusterSettings settings) throws IOException {
        Map<String, Long> running = new LinkedHashMap<>();
        Path run = runDir(settings);
        if (!Files.isDirectory(run)) {
            return running;
        }
        List<Path> pidFiles;
        try (Stream<Path> files = Files.list(run)) {
            pidFiles = files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList();
        }
        for (Path f : pidFiles) {
            String name = f.getFileName().toString().replaceFirst("\\.pid$", "");
            ours(settings, Long.parseLong(Files.readString(f).trim())).ifPresent(p -> running.put(name, p.pid()));
        }
        return running;
    }

    /**
     * Stops the cluster started from {@code settings.home()} by another JVM: TaskManagers, then the JobManager,
     * each with SIGTERM (SIGKILL after 30 s). Returns the names of the processes stopped.
     */
    public static List<String> stop(ClusterSettings settings) throws IOException, InterruptedException, TimeoutException {
        Map<String, Long> running = runningProcesses(settings);
        List<String> order = new ArrayList<>(running.keySet());
        order.remove(JOBMANAGER);
        if (running.containsKey(JOBMANAGER)) {
            order.add(JOBMANAGER);
        }
        for (String name : order) {
            Optional<ProcessHandle> p = ours(settings, running.get(name));
            if (p.isPresent()) {
                terminate(p.get());
            }
            Files.deleteIfExists(pidFile(settings, name));
        }
        return order;
    }

    private static void terminate(ProcessHandle p) throws InterruptedException, TimeoutException {
        p.destroy();
        if (!exited(p, STOP_GRACE)) {
            p.destroyForcibly();
            if (!exited(p, Duration.ofSeconds(10))) {
                throw new TimeoutException("process " + p.pid() + " did not exit after SIGKILL");
            }
        }
    }

    private static boolean exited(ProcessHandle p, Duration timeout) throws InterruptedException {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for process " + p.pid() + " failed", e);
        }
    }

    private static Optional<ProcessHandle> ours(ClusterSettings settings, long pid) {
        String marker = FlinkProcess.marker(ClusterConfigFile.confDir(settings));
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> commandLine(pid).contains(marker));
    }

    /**
     * Read from /proc: ProcessHandle.Info#commandLine comes back empty for these JVMs (their classpath makes the
     * line long), and the cluster runs on Linux like the rest of the local stack.
     */
    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private void deletePidFile(String name) {
        try {
            Files.deleteIfExists(pidFile(settings, name));
        } catch (IOException e) {
            // a stale pid file is harmless: runningProcesses checks the command line behind it
        }
    }

    private static Path runDir(ClusterSettings settings) {
        return settings.home().resolve("run");
    }

    private static Path pidFile(ClusterSettings settings, String name) {
        return runDir(settings).resolve(name + ".pid");
    }

    /** The log file of a cluster process (what {@code bin/vigil cluster status} points to). */
    public static Path logFile(ClusterSettings settings, String name) {
        return settings.home().resolve(name).resolve(name + ".log");
    }
}

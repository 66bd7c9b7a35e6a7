package io.vigil.app;

import io.vigil.stack.JavaCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.vigil.stack.LocalServer;

/**
 * A Vigil process (gateway, job, simulator) run as its own JVM on this launcher's classpath, as it would run in
 * production: its own heap, its own crash. Output goes to a log file and, prefixed, to the console.
 */
public final class ChildJvm implements Supervisor.Process {
    private final String name;
    private final Process process;
    private final String readyPrefix;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile boolean closing;

    private ChildJvm(String name, Process process, String readyPrefix) {
        this.name = name;
        this.process = process;
        this.readyPrefix = readyPrefix;
    }

    /** @param readyPrefix the start of the line the child prints once it serves (see {@link #awaitReady}) */
    public static ChildJvm start(String name, String heap, Path logDir, PrintStream console, String readyPrefix,
                          List<String> vigilArgs) throws IOException {
        return start(name, heap, List.of(), logDir, console, readyPrefix, vigilArgs);
    }

    /** @param jvmOptions extra JVM options, e.g. a flight recording for a benchmark's profile */
    public static ChildJvm start(String name, String heap, List<String> jvmOptions, Path logDir, PrintStream console,
                                 String readyPrefix, List<String> vigilArgs) throws IOException {
        Files.createDirectories(logDir);
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseG1GC"));
        options.addAll(jvmOptions);
        List<String> cmd = JavaCommand.java(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Vigil.class.getName()));
        cmd.addAll(vigilArgs);
        Process p = new ProcessBuilder(LocalServer.ownSession(cmd)).redirectErrorStream(true).start();
        ChildJvm child = new ChildJvm(name, p, readyPrefix);
        Path log = logDir.resolve(name + ".log");
        Thread pump = new Thread(() -> child.pump(log, console), name + "-output");
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    /** Waits until the child printed its ready line; false if it exited or the time ran out first. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (ready.await(200, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return ready.getCount() == 0;
    }

    private void pump(Path log, PrintStream console) {
        Process p = process;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                file.println(line);
                if (line.startsWith(readyPrefix)) {
                    ready.countDown();
                }
                console.println("[" + name + "] " + line);
            }
        } catch (IOException e) {
            if (!closing) { // else the stream closed because we stopped the process, which is how every run ends
                console.println("[" + name + "] output lost: " + e.getMessage());
            }
        }
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String name() {
        return name;
    }

    /** The exit code of a child that has exited; -1 while it runs. */
    @Override
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The child's process id (setsid execs the JVM in place, so this is the JVM's own). */
    public long pid() {
        return process.pid();
    }

    /** SIGTERM, so the child runs its shutdown hooks (flush Kafka, cancel the job); forcibly after 30 s. */
    @Override
    public void close() {
        closing = true;
        LocalServer.stopGracefully(process, Duration.ofSeconds(30));
    }

    /** SIGKILL: the child dies at once, as in a crash or an OOM kill, without running its shutdown hooks. */
    public void kill() throws InterruptedException {
        closing = true;
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
    }
}

package io.vigil.app;

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
import java.util.concurrent.TimeUnit;
import io.vigil.stack.LocalServer;

/**
 * A Vigil process (gateway, job, simulator) run as its own JVM on this launcher's classpath, as it would run in
 * production: its own heap, its own crash. Output goes to a log file and, prefixed, to the console.
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    static ChildJvm start(String name, String heap, Path logDir, PrintStream console, List<String> vigilArgs)
            throws IOException {
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseG1GC",
                "-cp", System.getProperty("java.class.path"),
                Vigil.class.getName()));
        cmd.addAll(vigilArgs);
        Process p = new ProcessBuilder(LocalServer.ownSession(cmd)).redirectErrorStream(true).start();
        Path log = logDir.resolve(name + ".log");
        Thread pump = new Thread(() -> pump(name, p, log, console), name + "-output");
        pump.setDaemon(true);
        pump.start();
        return new ChildJvm(name, p);
    }

    private static void pump(String name, Process p, Path log, PrintStream console) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                file.println(line);
                console.println("[" + name + "] " + line);
            }
        } catch (IOException e) {
            if (p.isAlive()) {
                console.println("[" + name + "] output lost: " + e.getMessage());
            } // else: the stream closed because the process ended, which is how every run ends
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String name() {
        return name;
    }

    /** SIGTERM, so the child runs its shutdown hooks (flush Kafka, cancel the job); forcibly after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

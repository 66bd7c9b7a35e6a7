package io.vigil.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server run as a child process on loopback, its data and log under one directory. Subclasses say how to
 * prepare the directory, which command to run and when the server is ready.
 *
 * <p>Child processes are stopped on {@link #close()} and, as a last resort, by a JVM shutdown hook, so a test run
 * or a demo that is interrupted leaves nothing listening.
 */
public abstract class LocalServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServer.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * Set to {@value #UNIT_TIER} by {@code bin/vigil test --quick}, which leaves out the tests tagged "servers": a
     * test that starts a server without the tag then fails at once instead of slowing the quick tier down.
     */
    public static final String TEST_TIER = "vigil.test.tier";
    public static final String UNIT_TIER = "unit";

    protected final String name;
    protected final Path dir;
    private Process process;
    private Thread shutdownHook;
    private boolean stopOnJvmExit = true;

    protected LocalServer(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** Writes configuration into {@link #dir} (which exists) before the process starts. */
    protected abstract void prepare() throws IOException, InterruptedException;

    protected abstract List<String> command();

    /** True once the server accepts work. Called repeatedly until it is or the start timeout passes. */
    protected abstract boolean ready();

    protected Duration startTimeout() {
        return Duration.ofSeconds(60);
    }

    /**
     * Whether a JVM shutdown hook stops the server (the default: an interrupted test leaves nothing running). An
     * owner that stops its servers itself, in order, on shutdown turns this off so the hook does not race it.
     */
    public synchronized LocalServer stopOnJvmExit(boolean stop) {
        this.stopOnJvmExit = stop;
        return this;
    }

    public Path logFile() {
        return dir.resolve(name + ".log");
    }

    public synchronized LocalServer start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return this;
        }
        if (UNIT_TIER.equals(System.getProperty(TEST_TIER))) {
            throw new IllegalStateException(name + " started by a unit-tier test: tag the test class @Tag(\"servers\")"
                    + " so that only the full suite (bin/vigil test) runs it");
        }
        Files.createDirectories(dir);
        prepare();
        ProcessBuilder pb = new ProcessBuilder(ownSession(command()))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        LOG.info("starting {}: {}", name, shown(pb.command()));
        LOG.debug("starting {}: {}", name, String.join(" ", pb.command()));
        process = pb.start();
        if (stopOnJvmExit) {
            Process started = process;
            shutdownHook = new Thread(() -> stopGracefully(started, STOP_GRACE), name + "-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        long deadline = System.nanoTime() + startTimeout().toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + " during start-up; see "
                        + logFile() + ":\n" + tail(logFile(), 30));
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IOException(name + " not ready after " + startTimeout() + "; see " + logFile() + ":\n"
                        + tail(logFile(), 30));
            }
            Thread.sleep(100); // polling a child process for readiness: there is no event to wait on
        }
        LOG.info("{} ready (pid {})", name, process.pid());
        return this;
    }

    /** A command line for the console: a JVM's classpath (kilobytes of jar paths) is only counted. */
    static String shown(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        for (int i = 0; i + 1 < shown.size(); i++) {
            if (List.of("-cp", "-classpath", "--class-path").contains(shown.get(i))) {
                shown.set(i + 1, "<" + shown.get(i + 1).split(java.io.File.pathSeparator).length + " classpath entries>");
            }
        }
        return String.join(" ", shown);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Stops the server gracefully (SIGTERM), forcibly after 20 s. Its data stays. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        stopGracefully(process, STOP_GRACE);
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run; nothing to remove
            }
            shutdownHook = null;
        }
        LOG.info("{} stopped", name);
        process = null;
    }

    /** SIGTERM, so the process can shut down cleanly; SIGKILL if it has not exited after {@code grace}. */
    public static void stopGracefully(Process p, Duration grace) {
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the command in a session of its own, so a Ctrl-C in the terminal reaches only the launcher, which then
     * stops its processes in order (clients before servers) rather than all at once.
     */
    public static List<String> ownSession(List<String> command) {
        return Binaries.find("setsid").map(setsid -> {
            List<String> c = new java.util.ArrayList<>(command.size() + 1);
            c.add(setsid.toString());
            c.addAll(command);
            return c;
        }).orElse(command);
    }

    /** The HTTP status of a GET, or -1 when nothing answers. */
    protected static int httpStatus(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    protected static boolean portOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}

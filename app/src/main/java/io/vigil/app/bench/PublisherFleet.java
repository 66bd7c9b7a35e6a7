package io.vigil.app.bench;

import io.vigil.stack.JavaCommand;
import io.vigil.sim.DeviceCredentials;
import io.vigil.sim.FleetSlice;
import io.vigil.sim.SimulatorConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A simulated fleet published by several child JVMs ({@link PublisherWorker}), each owning a slice of the devices
 * and publishing through the Simulator's lean MQTT publisher (one I/O thread for all its connections; with Paho, three
 * threads per connection starved the single-threaded broker on a small machine). All workers start the same
 * schedule at the same moment, so together they send exactly the readings, with the same event times, that one
 * Simulator of the same config would. Counts are the sum of the workers' own; a worker that fails to connect,
 * dies or never reports is named in {@link #failures()} and all its readings count as sent and failed, so nothing
 * it may have lost passes unnoticed.
 */
public final class PublisherFleet implements AutoCloseable {
    private static final Duration CONNECT_PATIENCE = Duration.ofMinutes(3);
    /** Workers start this long after the last one is connected, so each has read its start line by then. */
    private static final Duration START_MARGIN = Duration.ofMillis(300);

    private final List<Worker> workers;
    private final long startMillis;

    private PublisherFleet(List<Worker> workers, long startMillis) {
        this.workers = workers;
        this.startMillis = startMillis;
    }

    /**
     * Starts {@code processes} workers for the bounded run {@code fleet} (its duration set, no credentials in it),
     * waits until every one has connected its devices and starts them together.
     *
     * @param credentialsFile per-device secrets for authenticated devices (each on a connection of its own), or
     *                        null for anonymous devices sharing {@code fleet.mqttConnections()} per worker
     * @param logDir          each worker's output goes to {@code publisher-<n>.log} here
     */
    public static PublisherFleet start(SimulatorConfig fleet, Path credentialsFile, int processes, String heap,
                                       Path logDir) throws IOException, InterruptedException {
        if (!fleet.credentials().isEmpty()) {
            throw new IllegalArgumentException("pass credentials as a file: workers read them themselves");
        }
        // here, not only in each worker: a config error is one clear error, not one per worker
        (credentialsFile == null ? fleet : fleet.withCredentials(DeviceCredentials.read(credentialsFile))).validate();
        Files.createDirectories(logDir);
        List<Worker> workers = new ArrayList<>();
        try {
            List<FleetSlice> slices = FleetSlice.split(fleet.devices(), Math.min(processes, fleet.devices()));
            for (int i = 0; i < slices.size(); i++) {
                PublisherWorker.Config c = new PublisherWorker.Config(fleet, credentialsFile, slices.get(i));
                workers.add(Worker.launch(i, c, slices.get(i).readingsOf(fleet), heap, logDir));
            }
            long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
            for (Worker w : workers) {
                w.awaitReady(deadline);
            }
            long startMillis = System.currentTimeMillis() + START_MARGIN.toMillis();
            for (Worker w : workers) {
                w.start(startMillis);
            }
            return new PublisherFleet(workers, startMillis);
        } catch (IOException | InterruptedException | RuntimeException e) {
            workers.forEach(Worker::stop);
            throw e;
        }
    }

    /** Waits until every worker has reported or exited; false if some are still running after {@code timeout}. */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !w.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
            w.pump.join(TimeUnit.NANOSECONDS.toMillis(Math.max(left, 1_000_000)));
        }
        return true;
    }

    /** Readings handed to the network, summed over the workers; a failed worker counts all of its share. */
    public long sent() {
        return workers.stream().mapToLong(Worker::sent).sum();
    }

    public long acknowledged() {
        return workers.stream().mapToLong(Worker::acknowledged).sum();
    }

    public long failed() {
        return workers.stream().mapToLong(Worker::failed).sum();
    }

    /** Readings the workers were given: the run's whole reading count. */
    public long planned() {
        return workers.stream().mapToLong(w -> w.planned).sum();
    }

    /** Epoch ms the schedule started: reading k's event time is this plus its scheduled elapsed time. */
    public long startTime() {
        return startMillis;
    }

    /** Epoch ms of the last answer any worker saw, or -1 before all reported. */
    public long lastAnswerTime() {
        long last = -1;
        for (Worker w : workers) {
            if (w.counts == null) {
                return -1;
            }
            last = Math.max(last, w.counts.end);
        }
        return last;
    }

    /** One line per worker that did not report its counts, saying which it was and why; empty if none. */
    public List<String> failures() {
        return workers.stream().map(Worker::failure).filter(f -> f != null).toList();
    }

    /** The first worker failure, or else the last failure a worker saw on a reading; null if none. */
    public String lastFailure() {
        List<String> f = failures();
        if (!f.isEmpty()) {
            return String.join("; ", f);
        }
        return workers.stream().map(w -> w.latest().lastFailure).filter(s -> s != null).findFirst().orElse(null);
    }

    /** What the fleet published: the run's counts from its start to the last answer. */
    public Published published(Duration length) {
        long end = lastAnswerTime();
        Duration took = Duration.ofMillis(Math.max(1, (end < 0 ? System.currentTimeMillis() : end) - startMillis));
        return new Published(sent(), acknowledged(), failed(), took, startMillis, startMillis + length.toMillis());
    }

    /**
     * The workers' CPU (% of one core over {@code seconds}) and resident memory at their end, summed, as one
     * process line of a benchmark's report; only workers that reported count.
     */
    public ProcessLoad load(String name, double seconds) {
        long ticks = workers.stream().mapToLong(w -> w.latest().cpuTicks).sum();
        long rssKb = workers.stream().mapToLong(w -> w.latest().rssKb).sum();
        return new ProcessLoad(name, seconds <= 0 ? 0 : ticks / ProcessUsage.TICKS_PER_SECOND / seconds * 100,
                rssKb / 1024);
    }

    public List<Long> pids() {
        return workers.stream().map(w -> w.process.pid()).toList();
    }

    @Override
    public void close() {
        workers.forEach(Worker::stop);
    }

    /** What a worker's progress or counts line said. */
    record Counts(long sent, long acknowledged, long failed, long end, String lastFailure, long cpuTicks, long rssKb) {
        static final Counts NONE = new Counts(0, 0, 0, -1, null, 0, 0);

        static Counts parse(String fields) {
            long sent = 0;
            long acknowledged = 0;
            long failed = 0;
            long end = -1;
            long cpuTicks = 0;
            long rssKb = 0;
            String lastFailure = null;
            int why = fields.indexOf(" last-failure=");
            if (why >= 0) {
                lastFailure = fields.substring(why + " last-failure=".length());
                fields = fields.substring(0, why);
            }
            for (String kv : fields.trim().split(" ")) {
                String[] p = kv.split("=", 2);
                switch (p[0]) {
                    case "sent" -> sent = Long.parseLong(p[1]);
                    case "acknowledged" -> acknowledged = Long.parseLong(p[1]);
                    case "failed" -> failed = Long.parseLong(p[1]);
                    case "end" -> end = Long.parseLong(p[1]);
                    case "cpu-ticks" -> cpuTicks = Long.parseLong(p[1]);
                    case "rss-kb" -> rssKb = Long.parseLong(p[1]);
                    default -> { } // start: the fleet's own
                }
            }
            return new Counts(sent, acknowledged, failed, end, lastFailure, cpuTicks, rssKb);
        }
    }

    private static final class Worker {
        private final int number;
        private final Process process;
        private final long planned;
        private final Writer stdin;
        private final Thread pump;
        private final Object ready = new Object();
        private volatile boolean isReady;
        private volatile Counts progress = Counts.NONE;
        private volatile Counts counts;
        private volatile String failedLine;
        /** Set once the pump has read the worker's last line; the pump thread itself is still alive when it says so. */
        private volatile boolean pumpDone;

        private Worker(int number, Process process, long planned, Path log) {
            this.number = number;
            this.process = process;
            this.planned = planned;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.pump = new Thread(() -> pump(log), "publisher-" + number + "-output");
            pump.setDaemon(true);
            pump.start();
        }

        static Worker launch(int number, PublisherWorker.Config config, long planned, String heap, Path logDir)
                throws IOException {
            List<String> cmd = JavaCommand.java(List.of("-Xmx" + heap, "-XX:+UseParallelGC"));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PublisherWorker.class.getName()));
            cmd.addAll(config.args());
            // output to a file the fleet reads as it grows: reading the pipe itself raced with the JDK closing it
            // when the worker exited, and lost the counts line a worker printed on its way out
            Path log = logDir.resolve("publisher-" + number + ".log");
            Files.deleteIfExists(log);
            Files.createFile(log);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new Worker(number, p, planned, log);
        }

        private void pump(Path log) {
            try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                char[] buf = new char[8192];
                while (true) {
                    boolean exited = !process.isAlive(); // before reading: what it wrote before exiting is in the file
                    int n = in.read(buf);
                    if (n < 0) {
                        if (exited) {
                            break;
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            handle(line.toString());
                            line.setLength(0);
                        } else {
                            line.append(buf[i]);
                        }
                    }
                }
            } catch (IOException e) {
                failedLine = failedLine != null ? failedLine : "its output was lost: " + e.getMessage();
            } finally {
                synchronized (ready) {
                    pumpDone = true;
                    ready.notifyAll();
                }
            }
        }

        private void handle(String line) {
            if (line.startsWith(PublisherWorker.PROGRESS)) {
                if (counts == null) {
                    progress = Counts.parse(line.substring(PublisherWorker.PROGRESS.length()));
                }
            } else if (line.equals(PublisherWorker.READY)) {
                synchronized (ready) {
                    isReady = true;
                    ready.notifyAll();
                }
            } else if (line.startsWith(PublisherWorker.COUNTS)) {
                counts = Counts.parse(line.substring(PublisherWorker.COUNTS.length()));
            } else if (line.startsWith(PublisherWorker.FAILED)) {
                failedLine = line.substring(PublisherWorker.FAILED.length());
            }
        }

        void awaitReady(long deadlineNanos) throws IOException, InterruptedException {
            synchronized (ready) {
                while (!isReady && !pumpDone) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    ready.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
            if (!isReady) {
                pump.join(5_000);
                throw new IOException("publisher worker " + number + " (pid " + process.pid() + ") did not connect: "
                        + (failedLine != null ? failedLine : "no ready line within " + CONNECT_PATIENCE));
            }
        }

        void start(long startMillis) throws IOException {
            stdin.write("start " + startMillis + "\n");
            stdin.flush();
        }

        Counts latest() {
            Counts c = counts;
            return c != null ? c : progress;
        }

        long sent() {
            return counts != null || process.isAlive() ? latest().sent : planned;
        }

        long acknowledged() {
            return latest().acknowledged;
        }

        long failed() {
            // a worker gone without its counts: whatever it had not seen acknowledged may be lost
            return counts != null || process.isAlive() ? latest().failed : planned - latest().acknowledged;
        }

        /** Why this worker has no counts although it exited, or null. */
        String failure() {
            if (counts != null || process.isAlive()) {
                return null;
            }
            try {
                pump.join(5_000); // the counts line may still be unread in the file
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (counts != null) {
                return null;
            }
            return "publisher worker " + number + " (pid " + process.pid() + ") exited with status "
                    + process.exitValue() + " without its counts" + (failedLine == null ? "" : ": " + failedLine);
        }

        void stop() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                stdin.close();
            } catch (IOException ignored) {
                // the worker is gone; nothing more to tell it
            }
        }
    }
}

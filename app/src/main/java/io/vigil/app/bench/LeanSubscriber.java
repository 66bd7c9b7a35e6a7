package io.vigil.app.bench;

import io.vigil.stack.Binaries;
import io.vigil.stack.LocalServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One QoS 1 subscriber that does nothing but count: Mosquitto's own C client {@code mosquitto_sub}, printing one
 * line (the topic) per message, which this class counts. A Paho subscriber in the JVM tops out well below what the
 * broker passes, so it would measure itself rather than the broker.
 */
final class LeanSubscriber implements AutoCloseable {
    private final Process process;
    private final AtomicLong messages = new AtomicLong();
    private final Thread counter;

    private LeanSubscriber(Process process) {
        this.process = process;
        this.counter = new Thread(this::count, "bench-subscriber-count");
        this.counter.setDaemon(true);
        this.counter.start();
    }

    static LeanSubscriber start(int port, String topicFilter, Path errorLog) throws IOException {
        List<String> command = List.of(Binaries.require("mosquitto_sub").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-q", "1", "-t", topicFilter, "-F", "%t",
                "-i", "vigil-bench-" + ProcessHandle.current().pid());
        Process p = new ProcessBuilder(LocalServer.ownSession(command))
                .redirectError(ProcessBuilder.Redirect.appendTo(errorLog.toFile())).start();
        return new LeanSubscriber(p);
    }

    private void count() {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                long lines = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                messages.addAndGet(lines);
            }
        } catch (IOException e) {
            // the subscriber was stopped: the count stands
        }
    }

    long messages() {
        return messages.get();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        LocalServer.stopGracefully(process, Duration.ofSeconds(5));
    }
}

package io.vigil.job;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Vigil job: its status, a wait for RUNNING, and {@link #close()} to cancel it and free its ports. */
public final class JobHandle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobHandle.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private final JobClient client;
    private final Optional<Path> restoredFrom;
    private final int webUiPort;
    private boolean closed;

    JobHandle(JobClient client, Optional<Path> restoredFrom, int webUiPort) {
        this.client = client;
        this.restoredFrom = restoredFrom;
        this.webUiPort = webUiPort;
    }

    public JobID jobId() {
        return client.getJobID();
    }

    /** The retained checkpoint this run restored from, if there was one. */
    public Optional<Path> restoredFrom() {
        return restoredFrom;
    }

    public JobStatus status() throws Exception {
        return client.getJobStatus().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the job is RUNNING (its tasks are being deployed or run). Throws if it ends first, with the
     * job's failure as the cause, or if the timeout passes.
     */
    public void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus status = status();
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                Throwable cause = null;
                try {
                    client.getJobExecutionResult().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    cause = e.getCause();
                }
                throw new IllegalStateException("Vigil job " + jobId() + " ended as " + status, cause);
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Vigil job " + jobId() + " still " + status + " after " + timeout);
            }
            Thread.sleep(POLL.toMillis()); // JobClient offers no status-change notification
        }
    }

    /** Cancels the job (its last checkpoint is retained) and waits until it has stopped. Idempotent. */
    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        JobStatus status = status();
        if (!status.isGloballyTerminalState()) {
            client.cancel().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            client.getJobExecutionResult().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException expected) {
            LOG.info("Vigil job {} stopped: {}", jobId(), expected.getCause().getClass().getSimpleName());
        }
        awaitWebUiClosed();
    }

    /** The MiniCluster shuts down asynchronously after the job ends; a restart must find the port free. */
    private void awaitWebUiClosed() throws InterruptedException, TimeoutException {
        if (webUiPort <= 0) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        while (portOpen(webUiPort)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Flink web UI still listening on port " + webUiPort);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

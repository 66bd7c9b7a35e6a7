package io.vigil.job.http;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.MetricsGroupTestUtils;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailboxImpl;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * The thread that creates it plays a sink's task thread, as in a running job: the mailbox (HTTP answers, timers) runs
 * only on it, when the test lets it ({@link #runUntil}) or when the writer yields. Timers fire in wall-clock time
 * and enter the mailbox like Flink's. Counters are kept by name so a test can read the writer's metrics.
 */
public final class TaskThread implements WriterInitContext, AutoCloseable {
    private final TaskMailboxImpl mailbox = new TaskMailboxImpl(Thread.currentThread());
    private final MailboxExecutorImpl executor = new MailboxExecutorImpl(mailbox, 0, StreamTaskActionExecutor.IMMEDIATE);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-timers");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final SinkWriterMetricGroup metrics = MetricsGroupTestUtils.mockWriterMetricGroup(new UnregisteredMetricsGroup() {
        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(name, counter);
            return counter;
        }
    });
    private final ProcessingTimeService time = new ProcessingTimeService() {
        @Override
        public long getCurrentProcessingTime() {
            return System.currentTimeMillis();
        }

        @Override
        public ScheduledFuture<?> registerTimer(long at, ProcessingTimeCallback callback) {
            return timers.schedule(() -> executor.execute(() -> callback.onProcessingTime(at), "timer"),
                    Math.max(0, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        }
    };

    /** Runs mails on this thread until {@code condition} holds; an exception a mail throws fails the test. */
    public void runUntil(BooleanSupplier condition, Duration atMost) {
        await().pollInSameThread().pollInterval(Duration.ofMillis(5)).atMost(atMost).until(() -> {
            while (executor.tryYield()) {
                // run everything that is due
            }
            return condition.getAsBoolean();
        });
    }

    /** Runs the mails that are due now. */
    public void runMails() {
        while (executor.tryYield()) {
            // run everything that is due
        }
    }

    public long count(String counter) {
        Counter c = counters.get(counter);
        return c == null ? 0 : c.getCount();
    }

    @Override
    public MailboxExecutor getMailboxExecutor() {
        return executor;
    }

    @Override
    public ProcessingTimeService getProcessingTimeService() {
        return time;
    }

    @Override
    public SinkWriterMetricGroup metricGroup() {
        return metrics;
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isObjectReuseEnabled() {
        return false;
    }

    @Override
    public <IN> TypeSerializer<IN> createInputSerializer() {
        throw new UnsupportedOperationException();
    }

    @Override
    public OptionalLong getRestoredCheckpointId() {
        return OptionalLong.empty();
    }

    @Override
    public JobInfo getJobInfo() {
        throw new UnsupportedOperationException();
    }

    @Override
    public TaskInfo getTaskInfo() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        timers.shutdownNow();
        mailbox.close();
    }
}

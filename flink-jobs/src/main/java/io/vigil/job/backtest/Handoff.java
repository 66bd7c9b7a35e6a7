package io.vigil.job.backtest;

import io.vigil.common.Reading;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a backtest hands to its own job's source. Flink serializes sources into the job graph, so the source
 * carries this key instead of millions of readings; the job runs on a local environment in the driver's JVM, and
 * {@link #close} forgets the readings. (Results come back through {@link ReplayResultSink}.)
 */
final class Handoff implements AutoCloseable {
    private static final Map<String, Handoff> OPEN = new ConcurrentHashMap<>();
    final String key = UUID.randomUUID().toString();
    final List<Reading> readings;
    /** Readings the source has emitted so far, for the progress line. */
    final AtomicLong emitted = new AtomicLong();
    private final Map<String, List<Object>> results = new ConcurrentHashMap<>();

    private Handoff(List<Reading> readings) {
        this.readings = readings;
    }

    static Handoff open(List<Reading> readings) {
        Handoff h = new Handoff(readings);
        OPEN.put(h.key, h);
        return h;
    }

    static Handoff of(String key) {
        Handoff h = OPEN.get(key);
        if (h == null) {
            throw new IllegalStateException("backtest " + key + " is not open in this JVM: a backtest job runs only "
                    + "on a local environment in the JVM that started it");
        }
        return h;
    }

    @Override
    public void close() {
        OPEN.remove(key);
    }
}

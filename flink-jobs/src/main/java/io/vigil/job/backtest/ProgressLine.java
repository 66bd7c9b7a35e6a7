package io.vigil.job.backtest;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A line on stderr, rewritten every second while the replay runs: readings done of the total, and the rate. */
final class ProgressLine implements AutoCloseable {
    private final PrintWriter out;
    private final AtomicLong done;
    private final long total;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService ticker;

    private ProgressLine(PrintWriter out, AtomicLong done, long total) {
        this.out = out;
        this.done = done;
        this.total = total;
        this.ticker = out == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backtest-progress");
            t.setDaemon(true);
            return t;
        });
        if (ticker != null) {
            ticker.scheduleAtFixedRate(() -> print("\r"), 1, 1, TimeUnit.SECONDS);
        }
    }

    static ProgressLine start(PrintWriter out, AtomicLong done, long total) {
        return new ProgressLine(out, done, total);
    }

    private synchronized void print(String prefix) {
        long n = done.get();
        double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-3);
        out.printf(Locale.ROOT, "%sbacktest: %,d / %,d readings (%d%%), %,.0f readings/s", prefix, n, total,
                total == 0 ? 100 : n * 100 / total, n / seconds);
        out.flush();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            print("\r");
            out.println();
        }
    }
}

package io.vigil.job.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedList;
import java.util.Locale;

/**
 * Tells a run whose state no longer fits the heap: the JVM then spends most of its time in back-to-back collections
 * that free almost nothing, and the job crawls for many minutes (or, once a thread dies of
 * {@link OutOfMemoryError}, stops) without failing. G1 has no "GC overhead limit", so the bench watches for it
 * itself: over the last {@code window}, collections took at least {@code maxGcShare} of the wall time while the heap
 * stayed at least {@code fullShare} full.
 */
final class HeapPressure {
    /** One look at the JVM: wall time, total GC pause time so far, heap in use and its maximum. */
    record Sample(long wallMillis, long gcMillis, long usedBytes, long maxBytes) {
        static Sample now() {
            long gc = 0;
            for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                gc += Math.max(0, bean.getCollectionTime());
            }
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            return new Sample(System.nanoTime() / 1_000_000, gc, heap.getUsed(), heap.getMax());
        }
    }

    private final long windowMillis;
    private final double maxGcShare;
    private final double fullShare;
    private final LinkedList<Sample> samples = new LinkedList<>();

    HeapPressure(long windowMillis, double maxGcShare, double fullShare) {
        this.windowMillis = windowMillis;
        this.maxGcShare = maxGcShare;
        this.fullShare = fullShare;
    }

    /** Adds a sample; true if the whole window was spent thrashing on a full heap. */
    boolean exhausted(Sample now) {
        samples.addLast(now);
        while (samples.size() > 2 && now.wallMillis() - samples.get(1).wallMillis() >= windowMillis) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        long span = now.wallMillis() - first.wallMillis();
        if (span < windowMillis || now.maxBytes() <= 0) {
            return false;
        }
        double gcShare = (double) (now.gcMillis() - first.gcMillis()) / span;
        return gcShare >= maxGcShare && (double) now.usedBytes() / now.maxBytes() >= fullShare;
    }

    /** What the last window looked like, for the message of a run that failed or timed out. */
    String describe() {
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        if (first == null) {
            return "no heap sample";
        }
        long span = Math.max(1, last.wallMillis() - first.wallMillis());
        return String.format(Locale.ROOT, "heap %,d of %,d MB in use, garbage collection took %.0f %% of the last %d s",
                last.usedBytes() >> 20, last.maxBytes() >> 20, 100.0 * (last.gcMillis() - first.gcMillis()) / span,
                span / 1000);
    }
}

package io.vigil.sim;

import io.vigil.common.Protocol;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What a run has sent and what came back, updated from the pacer and the transports' callback threads. */
final class DeliveryCounts {
    private final AtomicLong mqttSent = new AtomicLong();
    private final AtomicLong coapSent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    void recordSent(Protocol protocol) {
        (protocol == Protocol.COAP ? coapSent : mqttSent).incrementAndGet();
    }

    void recordAcknowledged() {
        acknowledged.incrementAndGet();
    }

    void recordFailed(String reason) {
        lastFailure.set(reason);
        failed.incrementAndGet();
    }

    long sent() {
        return mqttSent.get() + coapSent.get();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    String lastFailure() {
        return lastFailure.get();
    }

    /** Sends that have neither been acknowledged nor failed yet. */
    long outstanding() {
        // Read the outcomes first: an outcome never precedes its send, so this is never negative.
        long resolved = failed.get() + acknowledged.get();
        return sent() - resolved;
    }

    /** The periodic progress line, with the rate since the previous one. */
    String line(double ratePerSecond) {
        return withLastFailure(String.format(Locale.ROOT, "sim: %.1f readings/s sent, %s", ratePerSecond, totals()));
    }

    /** The last line of a run. */
    String summary(double seconds) {
        return withLastFailure(String.format(Locale.ROOT, "sim: done after %.1f s (%.1f readings/s on average), %s",
                seconds, seconds > 0 ? sent() / seconds : 0, totals()));
    }

    private String totals() {
        return String.format(Locale.ROOT, "total %d sent, %d acknowledged, %d failed (mqtt %d, coap %d)",
                sent(), acknowledged(), failed(), mqttSent.get(), coapSent.get());
    }

    private String withLastFailure(String line) {
        String why = lastFailure.get();
        return why == null ? line : line + "; last failure: " + why;
    }
}

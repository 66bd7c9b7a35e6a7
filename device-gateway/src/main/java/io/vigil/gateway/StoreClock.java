package io.vigil.gateway;

import io.vigil.common.Reading;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Store times for the readings this gateway time-stamps (those without a time of their own), unique per series
 * across every gateway instance that shares the MQTT subscription. InfluxDB keeps one point per series and
 * timestamp, and it stores nanoseconds: a stamp is the receive millisecond, for detection, plus a sub-millisecond
 * part whose last three digits are this instance's {@code slot} (0..999). Within an instance a series' stamps rise
 * by at least a microsecond each, so they never repeat; instances with different slots never meet. More than a
 * thousand readings of one series in one millisecond move its stamps into the next millisecond.
 */
public final class StoreClock {
    static final int SLOTS = 1000;
    /** Series remembered before the idle ones are forgotten. */
    private static final int SWEEP_ABOVE = 100_000;
    /** A series idle this long is forgotten: its next stamp starts from a later receive time anyway. */
    private static final long FORGET_AFTER_MS = 60_000;

    private final int slot;
    private final Map<String, Long> lastBySeries = new ConcurrentHashMap<>();
    private volatile int sweepAbove = SWEEP_ABOVE;

    StoreClock(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot must be 0.." + (SLOTS - 1) + ": " + slot);
        }
        this.slot = slot;
    }

    /**
     * The slot of a gateway instance: its instance id when that is a number 0..999 (give instances that share a
     * subscription distinct numbers), otherwise a hash of it.
     */
    static int slotOf(String mqttClientIdPrefix) {
        String id = mqttClientIdPrefix.startsWith(GatewayConfig.CLIENT_ID_PREFIX)
                ? mqttClientIdPrefix.substring(GatewayConfig.CLIENT_ID_PREFIX.length()) : mqttClientIdPrefix;
        if (id.matches("[0-9]{1,3}")) {
            return Integer.parseInt(id);
        }
        return Math.floorMod(id.hashCode(), SLOTS);
    }

    int slot() {
        return slot;
    }

    /** The next store time, epoch ns, of one series for a reading received at {@code receivedAtMs}. */
    long next(String seriesKey, long receivedAtMs) {
        long base = receivedAtMs * Reading.NANOS_PER_MILLI + slot;
        if (lastBySeries.size() > sweepAbove) {
            sweep(receivedAtMs);
        }
        return lastBySeries.merge(seriesKey, base, (last, fresh) -> Math.max(fresh, last + SLOTS));
    }

    private synchronized void sweep(long nowMs) {
        if (lastBySeries.size() <= sweepAbove) {
            return;
        }
        long idleBefore = (nowMs - FORGET_AFTER_MS) * Reading.NANOS_PER_MILLI;
        lastBySeries.values().removeIf(last -> last < idleBefore);
        // when most series are active, sweep again only once the map has doubled, not on every reading
        sweepAbove = Math.max(SWEEP_ABOVE, 2 * lastBySeries.size());
    }
}

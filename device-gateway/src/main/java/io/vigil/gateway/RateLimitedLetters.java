package io.vigil.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which RATE_LIMITED refusals become dead letters: per device the first, then at most one every {@link #EVERY},
 * each standing for the refusals since the previous one. A flood then costs the gateway a token-bucket check per
 * payload instead of a Kafka write it must wait for, so it cannot crowd other devices' readings out of Kafka or out
 * of the MQTT in-flight window, while {@code vigil.deadletter} still learns how much was refused. The refusals of
 * a flood's last second are counted on the device's next RATE_LIMITED dead letter (and at once in the metrics).
 */
final class RateLimitedLetters {
    static final Duration EVERY = Duration.ofSeconds(1);
    /** Beyond this many devices the record starts afresh, bounding memory when device ids are not registered. */
    private static final int MAX_DEVICES = 100_000;

    private final LongSupplier nanoClock;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    private static final class Device {
        long lastLetterNanos;
        long unreported;
    }

    RateLimitedLetters(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Records one refusal of {@code deviceId}. Returns -1 if it is only counted, else the number of earlier refusals
     * the dead letter to write now must also stand for.
     */
    long refused(String deviceId) {
        if (devices.size() >= MAX_DEVICES && !devices.containsKey(deviceId)) {
            devices.clear();
        }
        long now = nanoClock.getAsLong();
        boolean[] first = new boolean[1];
        Device d = devices.computeIfAbsent(deviceId, id -> {
            first[0] = true;
            return new Device();
        });
        synchronized (d) {
            if (!first[0] && now - d.lastLetterNanos < EVERY.toNanos()) {
                d.unreported++;
                return -1;
            }
            long earlier = d.unreported;
            d.unreported = 0;
            d.lastLetterNanos = now;
            return earlier;
        }
    }
}

package io.vigil.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The store times handed out to the readings of one arrival, by their place in the decoded payload: a retry of the
 * arrival after a Kafka failure stores them under the same times, so what the first attempt already wrote is
 * overwritten, not stored twice.
 */
public final class StoreTimes {
    private final Map<Integer, Long> byIndex = new HashMap<>();

    synchronized long of(int index, LongSupplier first) {
        return byIndex.computeIfAbsent(index, i -> first.getAsLong());
    }
}

package io.vigil.sim;

/**
 * When each reading of a run is due. Reading {@code k} belongs to device {@code k mod devices} and is due
 * {@code k / rate} seconds after the start; its event time is exactly that, whenever it is actually sent. So the
 * readings of a run are the same for the same config, and a device reports every {@code devices / rate} seconds.
 */
final class ReadingSchedule {
    private final int devices;
    private final double ratePerSecond;

    ReadingSchedule(int devices, double ratePerSecond) {
        this.devices = devices;
        this.ratePerSecond = ratePerSecond;
    }

    int device(long k) {
        return (int) (k % devices);
    }

    long elapsedMillis(long k) {
        return (long) Math.floor(k * 1000.0 / ratePerSecond);
    }

    /** How many readings are due once {@code elapsedNanos} have passed (reading 0 is due at once). */
    long dueBy(long elapsedNanos) {
        return (long) Math.floor(elapsedNanos / 1e9 * ratePerSecond) + 1;
    }

    /** How many readings a run of {@code seconds} holds. */
    long readingsIn(double seconds) {
        return (long) Math.ceil(seconds * ratePerSecond);
    }
}

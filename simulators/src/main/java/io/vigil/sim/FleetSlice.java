package io.vigil.sim;

/**
 * The devices one publishing process owns: fleet indices {@code from} (inclusive) to {@code to} (exclusive). A
 * fleet split into slices over several processes sends exactly the readings one process would, each from the
 * process that owns its device, so every device still logs in as itself and publishes in order.
 */
public record FleetSlice(int from, int to) {
    public FleetSlice {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("a fleet slice needs 0 <= from < to, got " + from + ".." + to);
        }
    }

    public static FleetSlice all(int devices) {
        return new FleetSlice(0, devices);
    }

    /** {@code parts} slices of nearly equal size covering {@code devices}, in index order. */
    public static java.util.List<FleetSlice> split(int devices, int parts) {
        if (parts < 1 || parts > devices) {
            throw new IllegalArgumentException("cannot split " + devices + " devices into " + parts + " slices");
        }
        java.util.List<FleetSlice> slices = new java.util.ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            slices.add(new FleetSlice((int) ((long) devices * i / parts), (int) ((long) devices * (i + 1) / parts)));
        }
        return slices;
    }

    public boolean contains(int deviceIndex) {
        return deviceIndex >= from && deviceIndex < to;
    }

    /** How many readings of a bounded run of {@code config} belong to this slice's devices. */
    public long readingsOf(SimulatorConfig config) {
        long total = config.readingLimit();
        if (total < 0) {
            throw new IllegalArgumentException("the run is unbounded: give it a duration or a reading limit");
        }
        int devices = config.devices();
        return total / devices * size() + Math.max(0, Math.min(to, total % devices) - from);
    }

    public int size() {
        return to - from;
    }
}

package io.vigil.sim;

/**
 * Random numbers addressed by (seed, device, key) instead of drawn in sequence. A reading's noise then depends
 * only on which device and which instant it is for, not on the order or thread in which readings are produced.
 */
final class SeededNoise {
    private SeededNoise() {}

    /** Uniform in [0, 1). */
    static double uniform(long seed, long device, long key) {
        long h = mix(seed ^ mix(device * 0x9E3779B97F4A7C15L ^ mix(key + 0x632BE59BD9B4E019L)));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [-amplitude, amplitude). */
    static double symmetric(long seed, long device, long key, double amplitude) {
        return (uniform(seed, device, key) * 2 - 1) * amplitude;
    }

    // SplitMix64 finaliser: a cheap bijective mix with good avalanche.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

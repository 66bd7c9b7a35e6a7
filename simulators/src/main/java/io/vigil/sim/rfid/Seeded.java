package io.vigil.sim.rfid;

/**
 * Random numbers addressed by (seed, a, b, c) instead of drawn in sequence: a read's noise depends only on which
 * tag, antenna and instant it is for, so a scenario gives the same reads whatever order they are produced in.
 */
final class Seeded {
    private Seeded() {}

    /** Uniform in [0, 1). */
    static double uniform(long seed, long a, long b, long c) {
        long h = mix(seed ^ mix(a * 0x9E3779B97F4A7C15L ^ mix(b * 0xC2B2AE3D27D4EB4FL ^ mix(c + 0x632BE59BD9B4E019L))));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [-amplitude, amplitude). */
    static double symmetric(long seed, long a, long b, long c, double amplitude) {
        return (uniform(seed, a, b, c) * 2 - 1) * amplitude;
    }

    // SplitMix64 finaliser: a cheap bijective mix with good avalanche.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

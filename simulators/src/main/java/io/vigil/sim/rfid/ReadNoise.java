package io.vigil.sim.rfid;

/**
 * How real readers fall short of the truth.
 *
 * @param missRate      share of reads an antenna misses although the tag is in its zone
 * @param duplicateRate share of reads reported twice (a reader's own retry or a second inventory round)
 * @param crossReadRate chance per read that another antenna of the same reader, covering a neighbouring zone,
 *                      also reads the tag
 * @param crossReadDb   how much weaker a cross-read is than a read in the tag's own zone, in dB
 * @param rssiDbm       typical signal of a read in the tag's own zone
 * @param rssiSpreadDb  ± spread of the signal from read to read
 */
public record ReadNoise(double missRate, double duplicateRate, double crossReadRate, double crossReadDb,
                        double rssiDbm, double rssiSpreadDb) {

    public static ReadNoise defaults() {
        return new ReadNoise(0.2, 0.3, 0.15, 18, -52, 4);
    }

    /** Every read exactly as the truth says: for tests that need the ideal reader. */
    public static ReadNoise none() {
        return new ReadNoise(0, 0, 0, 18, -52, 0);
    }

    public ReadNoise validate() {
        for (double share : new double[] {missRate, duplicateRate, crossReadRate}) {
            if (!(share >= 0 && share < 1)) {
                throw new IllegalArgumentException("read noise: rates must be in [0, 1), got " + this);
            }
        }
        if (!(crossReadDb >= 0) || !(rssiSpreadDb >= 0) || !Double.isFinite(rssiDbm)) {
            throw new IllegalArgumentException("read noise: dB figures must be finite and non-negative: " + this);
        }
        return this;
    }
}

package io.vigil.sim;

/**
 * What a simulated fleet measures. A scenario is a pure function of its seed: the same seed, device index and
 * elapsed time always give the same measurement, so a run can be replayed and its ground truth computed in tests.
 *
 * <p>Time is relative to the start of the run ({@code elapsedMillis}); the simulator turns it into event time as
 * start + elapsed. It never depends on when a reading is actually sent.
 */
public interface Scenario {
    String name();

    /** The site device {@code index} belongs to. */
    String site(int index);

    /** The zone device {@code index} stands in. */
    String zone(int index);

    /** What device {@code index} measures {@code elapsedMillis} after the start of the run. */
    Measurement measure(int index, long elapsedMillis);
}

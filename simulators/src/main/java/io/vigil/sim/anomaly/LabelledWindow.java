package io.vigil.sim.anomaly;

/** Ground truth: readings in [{@code start}, {@code end}] (epoch ms) are affected by an anomaly of {@code kind}. */
public record LabelledWindow(AnomalyKind kind, long start, long end) {
    public boolean contains(long time, long grace) {
        return time >= start && time <= end + grace;
    }
}

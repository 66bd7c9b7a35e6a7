package io.vigil.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.job.bench.HeapPressure.Sample;
import org.junit.jupiter.api.Test;

class HeapPressureTest {
    private static final long GB = 1L << 30;

    @Test
    void aWindowOfCollectionsOnAFullHeapIsExhaustion() {
        HeapPressure heap = new HeapPressure(60_000, 0.5, 0.85);
        assertThat(heap.exhausted(new Sample(0, 0, 5 * GB + GB / 2, 6 * GB))).isFalse();
        assertThat(heap.exhausted(new Sample(30_000, 20_000, 5 * GB + GB / 2, 6 * GB)))
                .as("half a window is not enough to say").isFalse();
        assertThat(heap.exhausted(new Sample(60_000, 40_000, 5 * GB + GB / 2, 6 * GB))).isTrue();
        assertThat(heap.describe()).contains("5,632 of 6,144 MB").contains("67 % of the last 60 s");
    }

    @Test
    void busyCollectionsWithRoomLeftOrAFullHeapWithoutThemAreNot() {
        HeapPressure roomy = new HeapPressure(60_000, 0.5, 0.85);
        roomy.exhausted(new Sample(0, 0, 2 * GB, 6 * GB));
        assertThat(roomy.exhausted(new Sample(60_000, 50_000, 2 * GB, 6 * GB))).isFalse();

        HeapPressure calm = new HeapPressure(60_000, 0.5, 0.85);
        calm.exhausted(new Sample(0, 0, 5 * GB + GB / 2, 6 * GB));
        assertThat(calm.exhausted(new Sample(60_000, 5_000, 5 * GB + GB / 2, 6 * GB))).isFalse();
    }

    @Test
    void onlyTheLastWindowCounts() {
        HeapPressure heap = new HeapPressure(60_000, 0.5, 0.85);
        long gc = 0;
        for (long t = 0; t <= 120_000; t += 10_000) {
            // thrashing for the first minute, then recovered: collections stop, the heap stays full
            gc += t <= 60_000 ? 9_000 : 0;
            heap.exhausted(new Sample(t, gc, 5 * GB + GB / 2, 6 * GB));
        }
        assertThat(heap.exhausted(new Sample(130_000, gc, 5 * GB + GB / 2, 6 * GB))).isFalse();
        assertThat(heap.describe()).contains("0 % of the last 60 s");
    }
}

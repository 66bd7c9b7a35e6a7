package io.vigil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLettersTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RateLimitedLetters letters = new RateLimitedLetters(nanos::get);

    @Test
    void aFloodGetsOneDeadLetterASecondCountingTheRefusalsInBetween() {
        assertThat(letters.refused("flooder")).as("the first refusal is written at once").isZero();
        for (int i = 0; i < 500; i++) {
            nanos.addAndGet(1_000_000); // 1 ms apart: 500 refusals within the second
            assertThat(letters.refused("flooder")).isEqualTo(-1);
        }
        nanos.addAndGet(RateLimitedLetters.EVERY.toNanos());
        assertThat(letters.refused("flooder")).as("the next letter stands for the 500 counted").isEqualTo(500);
        assertThat(letters.refused("flooder")).isEqualTo(-1);
    }

    @Test
    void eachDeviceHasItsOwnSecond() {
        assertThat(letters.refused("a")).isZero();
        assertThat(letters.refused("b")).isZero();
        assertThat(letters.refused("a")).isEqualTo(-1);
        assertThat(letters.refused("b")).isEqualTo(-1);
    }
}

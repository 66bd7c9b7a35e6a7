package io.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromTheFirstWaitUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(1000));
        assertThat(backoff.after(4)).isEqualTo(Duration.ofMillis(4000));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.after(1_000_000)).as("no overflow after a long outage").isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.after(0)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesAPolicyThatCannotWait() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

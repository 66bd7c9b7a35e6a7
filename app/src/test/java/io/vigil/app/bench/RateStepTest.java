package io.vigil.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateStepTest {
    private static final Duration GRACE = Duration.ofSeconds(5);

    private static Published published(long sent, long acked, long failed, Duration took) {
        return new Published(sent, acked, failed, took, 0, took.toMillis());
    }

    @Test
    void aStepIsLossFreeOnlyIfEveryAcknowledgedReadingArrivedInTime() {
        Published all = published(1000, 1000, 0, Duration.ofSeconds(1));
        assertThat(new RateStep(1000, all, 1000, Duration.ofMillis(5), GRACE, -1, null, 0.5).lossFree()).isTrue();
        assertThat(new RateStep(1000, all, 999, null, GRACE, -1, null, 0.5).lossFree()).isFalse();
        assertThat(new RateStep(1000, all, 1001, Duration.ofMillis(5), GRACE, -1, null, 0.5).lossFree()).isFalse();
        assertThat(new RateStep(1000, published(1000, 998, 2, Duration.ofSeconds(1)), 998, Duration.ZERO, GRACE, -1, null, 0.5)
                .lossFree()).isFalse();
        assertThat(new RateStep(1000, all, 1000, Duration.ZERO, GRACE, 3, "3 threshold alerts for 4 stored readings", 0.5)
                .lossFree()).isFalse();
    }

    @Test
    void aFarEndThatCatchesUpOnlyAfterTheGraceFellBehindButLostNothing() {
        Published all = published(1000, 1000, 0, Duration.ofSeconds(1));
        RateStep behind = new RateStep(1000, all, 1000, Duration.ofSeconds(9), GRACE, -1, null, 0.5);
        RateStep lost = new RateStep(1000, all, 990, null, GRACE, -1, null, 0.5);

        assertThat(behind.lossFree()).isFalse();
        assertThat(behind.row()).contains("BEHIND").contains("9000 ms").doesNotContain("LOSS");
        assertThat(lost.row()).contains("LOSS (10 acknowledged but not arrived 35 s after the last PUBACK)");
    }

    @Test
    void theLadderReportsTheFastestLossFreeStepAndStopsAtTheFirstLoss() throws Exception {
        List<Double> rates = List.of(100.0, 200.0, 400.0, 800.0);
        List<RateStep> steps = RateLadder.climb(rates, rate -> {
            long sent = (long) (rate * 2);
            long arrived = rate >= 400 ? sent - 7 : sent;
            return new RateStep(rate, published(sent, sent, 0, Duration.ofSeconds(2)), arrived,
                    arrived == sent ? Duration.ofMillis(10) : null, GRACE, -1, null, 0.5);
        }, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));

        assertThat(steps).extracting(RateStep::targetRate).containsExactly(100.0, 200.0, 400.0);
        assertThat(RateLadder.best(steps)).contains(steps.get(1));
        assertThat(RateLadder.summary("x", steps)).contains("highest loss-free rate 200 readings/s");
    }

    @Test
    void aSaturatedPublisherEndsTheLadder() throws Exception {
        // the publisher tops out at 500/s: 1000/s falls short but still gains, 2000/s gains nothing more
        List<RateStep> steps = RateLadder.climb(List.of(100.0, 1000.0, 2000.0, 4000.0), rate -> {
            long sent = (long) Math.min(rate, 500);
            return new RateStep(rate, published(sent, sent, 0, Duration.ofSeconds(1)), sent, Duration.ZERO, GRACE, -1, null, 0.5);
        }, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));

        assertThat(steps).extracting(RateStep::targetRate).containsExactly(100.0, 1000.0, 2000.0);
        assertThat(steps.get(1).publisherBound()).isTrue();
        assertThat(RateLadder.summary("x", steps)).contains("the publisher, not the system under test");
    }
}

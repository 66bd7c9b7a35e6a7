package io.vigil.app.bench;

import java.time.Duration;

/**
 * What the publisher of one load step put on the broker: readings handed to MQTT, acknowledged by the broker (PUBACK)
 * and failed, over the step's wall-clock time, and the event-time window [{@code firstEventTime},
 * {@code lastEventTime}] (epoch ms) its readings carry.
 */
public record Published(long sent, long acknowledged, long failed, Duration took, long firstEventTime,
                        long lastEventTime) {

    /** Readings per second the broker acknowledged: the rate the publisher actually achieved. */
    public double achievedRate() {
        double seconds = took.toNanos() / 1e9;
        return seconds > 0 ? acknowledged / seconds : 0;
    }
}

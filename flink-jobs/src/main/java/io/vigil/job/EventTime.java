package io.vigil.job;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The job's event-time policy, one definition for every input.
 *
 * <p>Device inputs (readings, tag reads): the highest event time seen minus the out-of-orderness, but never past
 * the job's wall clock. A device with a clock ahead of the others is ordinary in the field; without the cap one
 * reading stamped minutes ahead moved event time for every device at once, firing their silence timers early and
 * deciding their time-driven warnings on a clock no one else shares. Capped, such a reading is still stored and
 * judged in its own series' order, and changes nothing for any other series. In a replay of stored data the cap is
 * never reached, so a replay's event time is the data's alone.
 *
 * <p>Wall-clock inputs (acknowledgements, rules documents, alerts that trigger an evacuation): always idle, so
 * they neither hold event time back nor move it. (An end-of-time watermark on such an input made event time jump to
 * the end as soon as the device input went idle — during a Kafka outage longer than the idleness timeout, or when
 * readers went quiet — and every forget timer fired, dropping open incidents.)
 */
public final class EventTime {
    private EventTime() {}

    /** A device input: bounded out-of-orderness, capped at the wall clock; an idle split does not stall. */
    public static <T> WatermarkStrategy<T> devices(Duration maxOutOfOrderness, Duration idleness,
                                                   SerializableTimestampAssigner<T> eventTime) {
        long delay = maxOutOfOrderness.toMillis();
        return WatermarkStrategy.<T>forGenerator(ctx -> new CappedAtWallClock<>(delay, System::currentTimeMillis))
                .withTimestampAssigner(eventTime)
                .withIdleness(idleness);
    }

    /** A wall-clock input: always idle, so event time is the device inputs' alone. */
    public static <T> WatermarkStrategy<T> wallClockInput() {
        return WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        });
    }

    /** Bounded out-of-orderness whose event time never runs ahead of {@code wallClock}. */
    static final class CappedAtWallClock<T> implements WatermarkGenerator<T> {
        private final long delay;
        private final LongSupplier wallClock;
        private long highest = Long.MIN_VALUE;

        CappedAtWallClock(long delay, LongSupplier wallClock) {
            this.delay = delay;
            this.wallClock = wallClock;
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            if (eventTimestamp > highest) {
                highest = Math.min(eventTimestamp, wallClock.getAsLong());
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (highest != Long.MIN_VALUE) {
                output.emitWatermark(new Watermark(highest - delay - 1));
            }
        }
    }
}

package io.vigil.job.backtest;

import io.vigil.common.Reading;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The live job's watermark ({@link io.vigil.job.VigilJob#watermarks}: the highest event time seen minus the
 * maximum out-of-orderness, minus 1 ms), emitted after every reading instead of every 200 ms of wall time. Live,
 * readings trickle in over hours, so a periodic watermark is always current; a replay runs a day in a second, and
 * a watermark that lagged 200 ms of wall time would make no-data deadlines depend on machine speed. (Readings
 * themselves do not wait for it: each is judged in its series' order, live and replayed.) Idleness does
 * not apply: a replay has one split that never waits for data.
 */
final class ReplayWatermarks {
    private ReplayWatermarks() {}

    static WatermarkStrategy<Reading> of(Duration maxOutOfOrderness) {
        long delay = maxOutOfOrderness.toMillis();
        return WatermarkStrategy.<Reading>forGenerator(ctx -> new WatermarkGenerator<>() {
            private long emitted = Long.MIN_VALUE;

            @Override
            public void onEvent(Reading reading, long eventTimestamp, WatermarkOutput output) {
                long watermark = eventTimestamp - delay - 1;
                if (watermark > emitted) {
                    emitted = watermark;
                    output.emitWatermark(new Watermark(watermark));
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {}
        }).withTimestampAssigner((reading, previous) -> reading.eventTime());
    }
}

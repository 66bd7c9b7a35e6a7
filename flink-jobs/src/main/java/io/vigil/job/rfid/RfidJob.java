package io.vigil.job.rfid;

import io.vigil.common.Alert;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagRead;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The RFID pipeline, separate from the readings pipeline of {@link io.vigil.job.VigilJob}: tag reads → presence per
 * tag → occupancy per zone → alerts to the same alert sinks. Operator uids are fixed for restores.
 */
public final class RfidJob {
    private RfidJob() {}

    /** Adds the pipeline to {@code env}; returns the RFID alert stream (already connected to {@code alertSinks}). */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<TagRead, ?, ?> tagReads,
                                          WatermarkStrategy<TagRead> watermarks, Sink<PresenceEvent> presenceSink,
                                          List<Sink<Alert>> alertSinks, Site site, PresenceSettings presence,
                                          Duration closeAfter) {
        return build(env, tagReads, watermarks, presenceSink, alertSinks, site, presence, closeAfter, null);
    }

    /** @param series occupancy and read-rate series sinks; null for none */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<TagRead, ?, ?> tagReads,
                                          WatermarkStrategy<TagRead> watermarks, Sink<PresenceEvent> presenceSink,
                                          List<Sink<Alert>> alertSinks, Site site, PresenceSettings presence,
                                          Duration closeAfter, RfidSeries series) {
        DataStream<TagRead> reads = env.fromSource(tagReads, watermarks, "tagreads").uid("tagreads-source");
        DataStream<PresenceEvent> transitions = reads
                .keyBy(TagRead::tagId)
                .process(new PresenceTracker(site, presence)).name("rfid-presence").uid("rfid-presence");
        transitions.sinkTo(presenceSink).name("rfid-presence-sink").uid("rfid-presence-sink");
        DataStream<OccupancyChange> changes = transitions
                .flatMap((PresenceEvent e, org.apache.flink.util.Collector<OccupancyChange> out) ->
                        OccupancyChange.of(e).forEach(out::collect))
                .returns(OccupancyChange.class).name("rfid-occupancy-changes").uid("rfid-occupancy-changes");
        if (series != null) {
            series.attach(reads, changes, site);
        }
        DataStream<Alert> alerts = changes
                .keyBy(OccupancyChange::zone)
                .process(new ZoneOccupancy(site, closeAfter)).name("rfid-zone-occupancy").uid("rfid-zone-occupancy");
        for (int i = 0; i < alertSinks.size(); i++) {
            alerts.sinkTo(alertSinks.get(i)).name("rfid-alerts-" + i).uid("rfid-alert-sink-" + i);
        }
        return alerts;
    }

    /** Event time = {@link TagRead#eventTime()}, bounded out-of-orderness, idle readers do not stall. */
    public static WatermarkStrategy<TagRead> watermarks(Duration maxOutOfOrderness, Duration idleness) {
        return WatermarkStrategy.<TagRead>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner((read, previous) -> read.eventTime())
                .withIdleness(idleness);
    }
}

package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The occupancy series of one zone (key = zone id): after each instant at which tags entered or left, one
 * {@link ZoneCount}. Changes are applied in event-time order once the watermark passes them, in the same order as
 * {@link ZoneOccupancy} applies them, so the stored series and the warnings agree on every count; late changes are
 * dropped for the same reason. State: the tags present now (a tag leaves it when it leaves the zone) and the changes
 * waiting for the watermark (cleared by their timer).
 */
public final class ZoneCounter extends KeyedProcessFunction<String, OccupancyChange, ZoneCount> {
    private static final long serialVersionUID = 1L;

    private final Site site;
    private transient MapState<String, Boolean> present;
    private transient MapState<Long, List<OccupancyChange>> pending;

    public ZoneCounter(Site site) {
        this.site = site;
    }

    @Override
    public void open(OpenContext openContext) {
        present = getRuntimeContext().getMapState(new MapStateDescriptor<>("count-present", Types.STRING,
                Types.BOOLEAN));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("count-pending", Types.LONG,
                Types.LIST(TypeInformation.of(OccupancyChange.class))));
    }

    @Override
    public void processElement(OccupancyChange change, Context ctx, Collector<ZoneCount> out) throws Exception {
        long ts = change.eventTime();
        if (ts <= ctx.timerService().currentWatermark()) {
            return;
        }
        List<OccupancyChange> due = pending.get(ts);
        if (due == null) {
            due = new java.util.ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        due.add(change);
        pending.put(ts, due);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ZoneCount> out) throws Exception {
        List<OccupancyChange> due = pending.get(timestamp);
        if (due == null) {
            return;
        }
        pending.remove(timestamp);
        due.sort(ZoneOccupancy.SAME_INSTANT_ORDER);
        for (OccupancyChange change : due) {
            if (change.entered()) {
                present.put(change.tagId(), true);
            } else {
                present.remove(change.tagId());
            }
        }
        int count = 0;
        for (String ignored : present.keys()) {
            count++;
        }
        String zoneId = ctx.getCurrentKey();
        Site.Zone zone = site.zones().get(zoneId);
        out.collect(new ZoneCount(site.id(), zoneId, count, zone == null ? 0 : zone.capacity(), timestamp));
    }
}

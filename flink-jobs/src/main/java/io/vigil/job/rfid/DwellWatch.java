package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Dwell in a hazardous zone (key = tag id): a person (a tag of a personal group, or of no group: privacy by default
 * treats it as a person) who entered a zone with {@code max_dwell} gets WARN at {@link #WARN_SHARE} of it and ALARM at
 * it, both event-time timers from the entry; leaving (moving elsewhere or departing) sends NORMAL and drops the
 * state, so the incident closes and nothing is kept for people outside hazardous zones.
 */
public final class DwellWatch extends PresenceDetector {
    private static final long serialVersionUID = 1L;
    /** Share of the maximum dwell at which a stay pre-warns. */
    public static final double WARN_SHARE = 0.8;

    private final Site site;
    private transient ValueState<DwellState> dwell;

    public DwellWatch(Site site) {
        this.site = site;
    }

    @Override
    protected void openState() {
        dwell = getRuntimeContext().getState(new ValueStateDescriptor<>("dwell", DwellState.class));
    }

    @Override
    protected void onPresence(PresenceEvent e, Context ctx, Collector<Signal> out) throws Exception {
        DwellState d = dwell.value();
        boolean stays = d != null && e.kind() != PresenceKind.DEPARTED && d.zone.equals(e.zone());
        if (d != null && !stays) {
            out.collect(signal(e.site(), ctx.getCurrentKey(), d, Level.NORMAL, e.eventTime()));
            deleteTimer(ctx, d.warnTimer);
            deleteTimer(ctx, d.alarmTimer);
            dwell.clear();
        }
        Site.Zone zone = site.zones().get(e.zone());
        if (stays || e.kind() == PresenceKind.DEPARTED || zone == null || zone.maxDwell() == null || !person(e)) {
            return;
        }
        d = new DwellState();
        d.zone = zone.id();
        d.enteredAt = e.eventTime();
        long max = zone.maxDwell().toMillis();
        d.warnTimer = d.enteredAt + Math.round(WARN_SHARE * max);
        d.alarmTimer = d.enteredAt + max;
        ctx.timerService().registerEventTimeTimer(d.warnTimer);
        ctx.timerService().registerEventTimeTimer(d.alarmTimer);
        dwell.update(d);
    }

    @Override
    protected void onDetectorTimer(long timestamp, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        DwellState d = dwell.value();
        if (d == null) {
            return;
        }
        String siteId = site.id();
        if (timestamp == d.alarmTimer) {
            out.collect(signal(siteId, ctx.getCurrentKey(), d, Level.ALARM, timestamp));
        } else if (timestamp == d.warnTimer) {
            out.collect(signal(siteId, ctx.getCurrentKey(), d, Level.WARN, timestamp));
        }
    }

    private boolean person(PresenceEvent e) {
        return e.group() == null || site.group(e.group()).map(Site.TagGroup::personal).orElse(true);
    }

    private Signal signal(String siteId, String tag, DwellState d, Level level, long time) {
        double limitS = site.zones().get(d.zone).maxDwell().toMillis() / 1000.0;
        return RfidRules.signal(RfidRules.DWELL, tag, siteId, d.zone, "s", level, (time - d.enteredAt) / 1000.0,
                limitS, null, time);
    }
}

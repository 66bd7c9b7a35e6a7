package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Missing asset (key = tag id): a tag of a group with {@code home_zone} and {@code missing_after} that leaves its
 * home zone (moves away, departs from it, or is first read elsewhere) starts an event-time clock; not read in its
 * home zone again within {@code missing_after} → ALARM. Read at home again → NORMAL, the state is dropped. An asset
 * that never comes back is forgotten after {@link IncidentLifecycle#DEFAULT_FORGET_AFTER}, as the lifecycle forgets
 * its silent incident. An asset the site file declares by id is also expected at home from the site's first
 * presence transition on ({@link PresenceKind#EXPECTED} from {@link ExpectedAssets}): never read there by then +
 * {@code missing_after} → ALARM, as if it had left at that instant. A tag matched by a prefix only cannot be told
 * apart from one that does not exist, so it is watched from its first read.
 */
public final class MissingAssetWatch extends PresenceDetector {
    private static final long serialVersionUID = 1L;

    private final Site site;
    private transient ValueState<AssetAbsence> absence;

    public MissingAssetWatch(Site site) {
        this.site = site;
    }

    @Override
    protected void openState() {
        absence = getRuntimeContext().getState(new ValueStateDescriptor<>("absence", AssetAbsence.class));
    }

    @Override
    protected void onPresence(PresenceEvent e, Context ctx, Collector<Signal> out) throws Exception {
        Site.TagGroup group = e.group() == null ? null : site.group(e.group()).orElse(null);
        if (group == null || group.missingAfter() == null) {
            return;
        }
        AssetAbsence a = absence.value();
        boolean home = e.kind() != PresenceKind.DEPARTED && e.kind() != PresenceKind.EXPECTED
                && group.homeZone().equals(e.zone());
        if (home) {
            if (a != null) {
                deleteTimer(ctx, a.timer);
                if (a.missing) {
                    out.collect(signal(e.site(), ctx.getCurrentKey(), group, a, Level.NORMAL, e.eventTime()));
                }
                absence.clear();
            }
            return;
        }
        if (a == null) {
            a = new AssetAbsence();
            a.group = group.id();
            a.leftAt = e.eventTime();
            a.timer = a.leftAt + group.missingAfter().toMillis();
            ctx.timerService().registerEventTimeTimer(a.timer);
            absence.update(a);
        }
    }

    @Override
    protected void onDetectorTimer(long timestamp, OnTimerContext ctx, Collector<Signal> out) throws Exception {
        AssetAbsence a = absence.value();
        if (a == null || timestamp != a.timer) {
            return;
        }
        if (a.missing) {
            absence.clear(); // gone for good: forget it, as the lifecycle forgets the silent incident
            return;
        }
        String tag = ctx.getCurrentKey();
        Site.TagGroup group = site.group(a.group).orElse(null);
        if (group == null || group.missingAfter() == null) {
            absence.clear();
            return;
        }
        out.collect(signal(site.id(), tag, group, a, Level.ALARM, timestamp));
        a.missing = true;
        a.timer = timestamp + IncidentLifecycle.DEFAULT_FORGET_AFTER.toMillis();
        ctx.timerService().registerEventTimeTimer(a.timer);
        absence.update(a);
    }

    private Signal signal(String siteId, String tag, Site.TagGroup group, AssetAbsence a, Level level, long time) {
        return RfidRules.signal(RfidRules.MISSING_ASSET, tag, siteId, group.homeZone(), group.id(), level,
                (time - a.leftAt) / 1000.0, group.missingAfter().toMillis() / 1000.0, null, time);
    }
}

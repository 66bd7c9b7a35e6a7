package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Starts the clock of the assets the site file declares by id (key = site id): at the event time of the site's
 * first presence transition — the earliest, once the watermark has passed it, so the same reads give the same
 * instant live or replayed — it sends one {@link PresenceKind#EXPECTED} per declared asset to
 * {@link MissingAssetWatch}, which then raises an asset never read at home. Once per job: the started flag is the
 * only state it keeps afterwards. A site without any read has no event time and starts nothing.
 */
public final class ExpectedAssets extends KeyedProcessFunction<String, PresenceEvent, PresenceEvent> {
    private static final long serialVersionUID = 1L;

    private final Site site;
    private transient List<PresenceEvent> declared;
    private transient ValueState<Long> earliest;
    private transient ValueState<Boolean> started;

    public ExpectedAssets(Site site) {
        this.site = site;
    }

    /** Whether the site declares any asset by id that could be missing. */
    public static boolean any(Site site) {
        return !declared(site).isEmpty();
    }

    /**
     * The tags listed by id in a group with {@code missing_after}, in id order; one that an earlier group's prefix
     * claims belongs to that group (first matching group wins) and is left out if that group does not watch it.
     */
    private static List<PresenceEvent> declared(Site site) {
        return site.groups().stream()
                .filter(g -> g.missingAfter() != null)
                .flatMap(g -> g.tags().stream()
                        .filter(tag -> site.groupOf(tag).map(Site.TagGroup::id).filter(g.id()::equals).isPresent())
                        .map(tag -> new PresenceEvent(site.id(), tag, g.id(), PresenceKind.EXPECTED, g.homeZone(),
                                null, 0L)))
                .sorted((a, b) -> a.tagId().compareTo(b.tagId()))
                .toList();
    }

    @Override
    public void open(OpenContext openContext) {
        declared = declared(site);
        earliest = getRuntimeContext().getState(new ValueStateDescriptor<>("earliest-transition", Types.LONG));
        started = getRuntimeContext().getState(new ValueStateDescriptor<>("asset-clock-started", Types.BOOLEAN));
    }

    @Override
    public void processElement(PresenceEvent e, Context ctx, Collector<PresenceEvent> out) throws Exception {
        if (Objects.equals(started.value(), Boolean.TRUE)) {
            return;
        }
        Long first = earliest.value();
        if (first == null || e.eventTime() < first) {
            if (first != null) {
                ctx.timerService().deleteEventTimeTimer(first);
            }
            ctx.timerService().registerEventTimeTimer(e.eventTime());
            earliest.update(e.eventTime());
        }
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<PresenceEvent> out) throws Exception {
        started.update(true);
        earliest.clear();
        for (PresenceEvent asset : declared) {
            out.collect(new PresenceEvent(site.id(), asset.tagId(), asset.group(), PresenceKind.EXPECTED,
                    asset.zone(), null, ts));
        }
    }
}

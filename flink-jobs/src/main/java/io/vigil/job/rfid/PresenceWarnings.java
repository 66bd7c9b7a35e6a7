package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The warnings one presence transition decides on its own, without state (the incident lifecycle holds the
 * incident):
 * <ul>
 *   <li>intrusion: a tag enters a restricted zone and its group is not {@code allowed}, or it has no group (a tag the
 *       site does not know) → ALARM; it leaves for an unrestricted zone or departs → NORMAL;</li>
 *   <li>hazardous material read outside its home zone → ALARM; read in its home zone again → NORMAL. A departure
 *       changes nothing: where it went is unknown, so an open incident stays open.</li>
 * </ul>
 * Signals are only sent where a zone involved matters, so ordinary movement costs the lifecycle nothing.
 */
public final class PresenceWarnings implements FlatMapFunction<PresenceEvent, Signal> {
    private static final long serialVersionUID = 1L;
    static final String UNKNOWN_GROUP = "unknown";
    private final Site site;

    public PresenceWarnings(Site site) {
        this.site = site;
    }

    @Override
    public void flatMap(PresenceEvent e, Collector<Signal> out) {
        intrusion(e, out);
        hazmat(e, out);
    }

    private void intrusion(PresenceEvent e, Collector<Signal> out) {
        Site.Zone zone = site.zones().get(e.zone());
        if (zone == null) {
            return;
        }
        String group = e.group() == null ? UNKNOWN_GROUP : e.group();
        boolean inside = e.kind() != PresenceKind.DEPARTED && zone.restricted()
                && (e.group() == null || !zone.allowedGroups().contains(e.group()));
        Site.Zone from = e.fromZone() == null ? null : site.zones().get(e.fromZone());
        boolean wasRestricted = e.kind() == PresenceKind.DEPARTED ? zone.restricted()
                : from != null && from.restricted();
        if (inside || wasRestricted) {
            out.collect(RfidRules.signal(RfidRules.INTRUSION, e.tagId(), e.site(), inside ? zone.id() : from(e),
                    group, inside ? Level.ALARM : Level.NORMAL, inside ? 1 : 0, 1, null, e.eventTime()));
        }
    }

    private void hazmat(PresenceEvent e, Collector<Signal> out) {
        Site.TagGroup group = e.group() == null ? null : site.group(e.group()).orElse(null);
        if (group == null || !group.hazardous() || e.kind() == PresenceKind.DEPARTED) {
            return;
        }
        // hazardous tags are few: every sighting says where it is, so a return home closes the incident
        boolean outside = !group.homeZone().equals(e.zone());
        out.collect(RfidRules.signal(RfidRules.HAZMAT_OUTSIDE, e.tagId(), e.site(), e.zone(), group.homeZone(),
                outside ? Level.ALARM : Level.NORMAL, outside ? 1 : 0, 1, null, e.eventTime()));
    }

    /** The zone a tag left: the one it moved from, or the one it departed from. */
    private static String from(PresenceEvent e) {
        return e.fromZone() != null ? e.fromZone() : e.zone();
    }
}

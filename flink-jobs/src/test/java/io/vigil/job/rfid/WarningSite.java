package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;

/** A small site with every kind of warning; times in the tests are ms from 0. */
final class WarningSite {
    static final Site SITE = SiteLoader.parse("""
            site: test
            readers:
              - {reader: r, antenna: 1, zone: plaza}
              - {reader: r, antenna: 2, zone: street}
              - {reader: r, antenna: 3, zone: pump-room}
              - {reader: r, antenna: 4, zone: store}
              - {reader: r, antenna: 5, zone: lab}
              - {reader: r, antenna: 6, zone: muster}
            zones:
              - {id: plaza, capacity: 10, warn_at: 0.8, horizon: 60s}
              - {id: street}
              - {id: pump-room, restricted: true, allowed: [staff]}
              - {id: store}
              - {id: lab, hazardous: true, max_dwell: 10s}
              - {id: muster, assembly_point: true}
            groups:
              - {id: staff, prefixes: ["p-s"]}
              - {id: visitors, prefixes: ["p-v"]}
              - {id: assets, personal: false, prefixes: ["ASSET-"], home_zone: store, missing_after: 30s}
              - {id: hazmat, personal: false, tags: ["HAZ-1"], home_zone: lab, hazardous: true}
              - {id: tools, personal: false, tags: ["TOOL-2", "TOOL-1", "ASSET-5"], home_zone: store, missing_after: 30s}
            evacuation: {triggered_by: [fire], zones: [plaza, lab, pump-room]}
            """, "warning-site.yaml");

    private WarningSite() {}

    static PresenceEvent arrived(String tag, String group, String zone, long t) {
        return new PresenceEvent("test", tag, group, PresenceKind.ARRIVED, zone, null, t);
    }

    static PresenceEvent moved(String tag, String group, String from, String zone, long t) {
        return new PresenceEvent("test", tag, group, PresenceKind.MOVED, zone, from, t);
    }

    static PresenceEvent expected(String tag, String group, String homeZone, long t) {
        return new PresenceEvent("test", tag, group, PresenceKind.EXPECTED, homeZone, null, t);
    }

    static PresenceEvent departed(String tag, String group, String zone, long t) {
        return new PresenceEvent("test", tag, group, PresenceKind.DEPARTED, zone, null, t);
    }
}

package io.vigil.job.rfid;

import java.util.ArrayList;
import java.util.List;

/** A tag entering or leaving one zone; the occupancy operator is keyed by zone. */
public record OccupancyChange(String site, String zone, String tagId, boolean entered, long eventTime) {

    /** A MOVED leaves one zone and enters another. */
    public static List<OccupancyChange> of(PresenceEvent e) {
        List<OccupancyChange> out = new ArrayList<>(2);
        switch (e.kind()) {
            case ARRIVED -> out.add(new OccupancyChange(e.site(), e.zone(), e.tagId(), true, e.eventTime()));
            case DEPARTED -> out.add(new OccupancyChange(e.site(), e.zone(), e.tagId(), false, e.eventTime()));
            case MOVED -> {
                out.add(new OccupancyChange(e.site(), e.fromZone(), e.tagId(), false, e.eventTime()));
                out.add(new OccupancyChange(e.site(), e.zone(), e.tagId(), true, e.eventTime()));
            }
        }
        return out;
    }
}

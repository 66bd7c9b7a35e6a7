package io.vigil.job.backtest;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.job.detect.Signal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The phase of every rule and series at any event time, from the alerts (one per transition): the phase entered
 * by the last transition at or before that time. A CLOSED incident shows as CLOSED at the closing reading's time
 * and as NORMAL after it.
 */
final class IncidentTimeline {
    private final Map<String, List<Alert>> bySeries = new HashMap<>();

    IncidentTimeline(List<Alert> alerts) {
        for (Alert a : alerts) {
            bySeries.computeIfAbsent(Signal.incidentKey(a.ruleId(), a.subject(), a.metric()), k -> new ArrayList<>()).add(a);
        }
        // stable: transitions of one event time stay in the order the lifecycle emitted them
        bySeries.values().forEach(l -> l.sort(Comparator.comparingLong(Alert::eventTime)));
    }

    /** The transition in force for the rule and series at {@code time}, or null where the series is NORMAL. */
    Alert at(String ruleId, String deviceId, String metric, long time) {
        List<Alert> transitions = bySeries.get(Signal.incidentKey(ruleId, deviceId, metric));
        if (transitions == null) {
            return null;
        }
        int lo = 0;
        int hi = transitions.size(); // first index with eventTime > time
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (transitions.get(mid).eventTime() <= time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            return null;
        }
        Alert a = transitions.get(lo - 1);
        return a.phase() == Phase.CLOSED && a.eventTime() < time ? null : a;
    }
}

package io.vigil.job.backtest;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The incidents a backtest found, one line each, for stdout. */
public final class IncidentSummary {
    private IncidentSummary() {}

    public static String format(BacktestResult result) {
        Map<String, List<Alert>> incidents = new LinkedHashMap<>();
        result.alerts().stream().sorted(Comparator.comparingLong(Alert::startedAt))
                .forEach(a -> incidents.computeIfAbsent(a.incidentId(), k -> new ArrayList<>()).add(a));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "backtest: %d input(s), %,d readings, %,d row(s) rejected, %d incident(s), "
                        + "%d transition(s) in %.1f s (%,.0f readings/s)%n", result.inputs().size(), result.readings(),
                result.rejectedRows(), incidents.size(), result.alerts().size(), result.elapsed().toMillis() / 1000.0,
                result.readingsPerSecond()));
        if (result.scored() < result.readings()) {
            out.append(String.format(Locale.ROOT, "%,d reading(s) late (older than an earlier reading of their series): "
                    + "not judged, as live%n", result.readings() - result.scored()));
        }
        if (!result.afterEnd().isEmpty()) {
            out.append(String.format(Locale.ROOT, "%d transition(s) after the last reading set aside (end of input, "
                    + "not an event)%n", result.afterEnd().size()));
        }
        if (incidents.isEmpty()) {
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, "%-56s %-11s %-11s %-24s %s%n", "INCIDENT", "WORST", "LAST", "STARTED",
                "LAST AT"));
        for (List<Alert> transitions : incidents.values()) {
            Alert first = transitions.get(0);
            Alert last = transitions.get(transitions.size() - 1);
            boolean alarm = transitions.stream().anyMatch(a -> a.phase() == Phase.ALARM);
            out.append(String.format(Locale.ROOT, "%-56s %-11s %-11s %-24s %s%n", first.incidentId(),
                    alarm ? Phase.ALARM : Phase.PRE_WARNING, last.phase(), Instant.ofEpochMilli(first.startedAt()),
                    Instant.ofEpochMilli(last.eventTime())));
        }
        return out.toString();
    }
}

package io.vigil.tools.evaluate;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.sim.GroundTruthRun.Event;
import io.vigil.sim.GroundTruthScenario.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores the alerts of one run against the scenarios' truth. Pure: no Flink, no I/O.
 *
 * <p>Alerts are grouped into incidents by id; an incident counts for a true event of the same device and kind (a
 * rule's kind: {@code no_data} rules answer SILENT truths, {@code flatline} rules FROZEN ones, all others CROSSING
 * ones) when it starts within {@code [from − tolerance, until]}. A CROSSING is pre-warned when such an incident
 * pre-warned no later than the true crossing; it is missed when no such incident reached ALARM by
 * {@code until + tolerance}. A pre-warning or alarm matching no true event is false.
 */
public final class Evaluation {
    /** What one incident did: when it first pre-warned and first alarmed (null if never). */
    record Incident(String device, Kind kind, Long preWarningAt, Long alarmAt) {
        long startsAt() {
            return preWarningAt == null ? alarmAt : alarmAt == null ? preWarningAt : Math.min(preWarningAt, alarmAt);
        }
    }

    private final Map<String, Kind> ruleKinds;
    private final long toleranceMs;

    /** @param ruleKinds which kind of true event each rule id answers; alerts of other rules are ignored */
    public Evaluation(Map<String, Kind> ruleKinds, long toleranceMs) {
        this.ruleKinds = Map.copyOf(ruleKinds);
        this.toleranceMs = toleranceMs;
    }

    /** The score of one scenario: its truth, every alert on its devices, and how many device-days it ran. */
    public Score score(String scenario, List<Event> truth, Collection<Alert> alerts, double deviceDays) {
        List<Incident> incidents = incidents(alerts);
        int crossings = 0;
        int preWarned = 0;
        int missed = 0;
        List<Long> leadToCrossing = new ArrayList<>();
        List<Long> leadToAlarm = new ArrayList<>();
        for (Event t : truth) {
            Long firstWarning = null;
            Long alarmOfWarned = null;
            boolean alarmed = false;
            for (Incident i : incidents) {
                if (!answers(i, t)) {
                    continue;
                }
                if (i.alarmAt() != null && i.alarmAt() <= t.until() + toleranceMs) {
                    alarmed = true;
                }
                if (i.preWarningAt() != null && i.preWarningAt() <= t.from()
                        && (firstWarning == null || i.preWarningAt() < firstWarning)) {
                    firstWarning = i.preWarningAt();
                    alarmOfWarned = i.alarmAt();
                }
            }
            if (!alarmed) {
                missed++;
            }
            if (t.kind() != Kind.CROSSING) {
                continue;
            }
            crossings++;
            if (firstWarning != null) {
                preWarned++;
                leadToCrossing.add(t.from() - firstWarning);
                if (alarmOfWarned != null) {
                    leadToAlarm.add(alarmOfWarned - firstWarning);
                }
            }
        }
        int falsePreWarnings = 0;
        int falseAlarms = 0;
        for (Incident i : incidents) {
            boolean explained = truth.stream().anyMatch(t -> answers(i, t));
            if (!explained && i.preWarningAt() != null) {
                falsePreWarnings++;
            }
            if (!explained && i.alarmAt() != null) {
                falseAlarms++;
            }
        }
        return new Score(scenario, deviceDays, truth.size(), crossings, preWarned, leadToCrossing, leadToAlarm,
                falsePreWarnings, falseAlarms, missed);
    }

    private boolean answers(Incident i, Event t) {
        long start = i.startsAt();
        return i.device().equals(t.device()) && i.kind() == t.kind()
                && start >= t.from() - toleranceMs && start <= t.until();
    }

    private List<Incident> incidents(Collection<Alert> alerts) {
        Map<String, Incident> byId = new LinkedHashMap<>();
        for (Alert a : alerts) {
            Kind kind = ruleKinds.get(a.ruleId());
            if (kind == null || a.phase() != Phase.PRE_WARNING && a.phase() != Phase.ALARM) {
                continue;
            }
            Incident seen = byId.getOrDefault(a.incidentId(), new Incident(a.subject(), kind, null, null));
            Long at = a.eventTime();
            byId.put(a.incidentId(), a.phase() == Phase.PRE_WARNING
                    ? new Incident(seen.device(), kind, min(seen.preWarningAt(), at), seen.alarmAt())
                    : new Incident(seen.device(), kind, seen.preWarningAt(), min(seen.alarmAt(), at)));
        }
        return new ArrayList<>(byId.values());
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : Math.min(a, b);
    }
}

package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.IncidentReport;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.Threshold;
import java.util.List;

/**
 * The incident state machine of one series under one rule, in plain Java: merges the signals of the rule's
 * detectors into NORMAL → PRE_WARNING → ALARM → RECOVERING → CLOSED, one {@link Alert} per transition, one
 * deterministic incident id {@code rule:device:metric:start} from the first sign to CLOSED. Both pipelines drive
 * their incidents through it: the series evaluator (readings) and the incident lifecycle operator (RFID signals).
 *
 * <p>The signals of one event time are applied together (the latest signal of each detector is kept, the most
 * concerned one drives), so their order does not matter. The combined level must stay at ALARM for the rule's
 * {@code for} before ALARM, and every detector must stay cleared for {@code clear_for} before CLOSED.
 *
 * <p>An unacknowledged ALARM is re-notified with escalation level +1 every {@code escalate_after} of processing
 * time: escalation is about people answering in wall-clock time. The machine only writes when the next
 * escalation is due into {@link IncidentState#escalationTimer}; the operator that runs it owns the timer.
 */
public final class IncidentMachine {
    static final String PRE_WARNING_SEVERITY = "warning";
    /**
     * Which of two signals concerns more: the higher level, then the later, then a threshold's, then by detector name
     * (reversed) so the choice never depends on map order. Written out: it runs for every signal of every reading.
     */
    static int concern(Signal a, Signal b) {
        int c = a.level().compareTo(b.level());
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.eventTime(), b.eventTime());
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(a.detector().equals(Threshold.KIND), b.detector().equals(Threshold.KIND));
        return c != 0 ? c : b.detector().compareTo(a.detector());
    }

    /** Where transitions and audit events go. */
    public interface Output {
        void alert(Alert alert, Signal driver);

        void audit(AuditEvent event);
    }

    private final Output out;

    public IncidentMachine(Output out) {
        this.out = out;
    }

    /**
     * Applies the signals of one event time {@code t}.
     *
     * @param now processing time, for the escalation deadline of a new ALARM
     * @return the state to keep, or null when nothing is worth keeping (see {@link IncidentState#quiet()})
     */
    public IncidentState apply(Rule rule, RuleSet inForce, IncidentState s, List<Signal> signals, long t, long now) {
        if (s == null) {
            if (allQuiet(signals)) {
                return null; // the usual reading: no incident and every detector content, so nothing to keep
            }
            s = new IncidentState();
        }
        for (Signal signal : signals) {
            if (!rule.has(signal.detector())) {
                continue; // sent before the rule lost this detector
            }
            Signal before = s.latest.get(signal.detector());
            if (before == null || before.eventTime() <= signal.eventTime()) {
                s.latest.put(signal.detector(), signal);
            }
        }
        if (!s.latest.isEmpty()) {
            s = evaluate(rule, inForce, s, t, now);
        }
        s.lastSeen = Math.max(s.lastSeen, t);
        return s.quiet() ? null : s;
    }

    private static boolean allQuiet(List<Signal> signals) {
        for (int i = 0; i < signals.size(); i++) {
            Signal signal = signals.get(i);
            if (signal.level() != Level.NORMAL || !signal.cleared()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A duty officer acknowledges the open incident: the current phase is published again with who acknowledged,
     * escalation stops, and the acknowledgement is audited.
     *
     * @return false if {@code s} has no open incident with that id (the acknowledgement is ignored)
     */
    public boolean acknowledge(IncidentState s, Acknowledgement ack) {
        if (s == null || s.last == null || s.phase == Phase.NORMAL || !s.last.incidentId().equals(ack.incidentId())) {
            return false;
        }
        if (s.acknowledgedBy != null) {
            return true; // already acknowledged (or the control topic was replayed after a restart)
        }
        s.acknowledgedBy = ack.by();
        s.acknowledgedAt = ack.at();
        s.escalationTimer = IncidentState.NONE;
        reissue(s);
        out.audit(new AuditEvent("ACKNOWLEDGED", ack.incidentId(), ack.by(), ack.at(), ack.source(),
                ack.comment() == null ? "" : ack.comment()));
        return true;
    }

    /** The escalation due at {@code now} (processing time): one level up and re-notified, unless answered. */
    public void escalate(IncidentState s, Rule rule, long now) {
        if (s == null || s.escalationTimer == IncidentState.NONE || s.escalationTimer > now) {
            return;
        }
        long due = s.escalationTimer;
        s.escalationTimer = IncidentState.NONE;
        if (rule == null || rule.escalateAfter() == null || s.acknowledgedBy != null || s.phase != Phase.ALARM) {
            return;
        }
        s.escalation++;
        reissue(s);
        s.escalationTimer = due + rule.escalateAfter().toMillis();
        out.audit(new AuditEvent("ESCALATED", s.last.incidentId(), "vigil", now, "job",
                "escalation level " + s.escalation + ": not acknowledged within " + rule.escalateAfter()));
    }

    /** CLOSED for an open incident whose rule was removed, judged by the rule as it was. */
    public void closeRemoved(Rule rule, RuleSet before, IncidentState s, String by) {
        if (s == null || s.phase == Phase.NORMAL || s.last == null) {
            return;
        }
        Signal driver = null;
        for (Signal sig : s.latest.values()) {
            if (driver == null || concern(sig, driver) > 0) {
                driver = sig;
            }
        }
        if (driver == null) { // every detector it had was dropped by an earlier change: the last alert speaks
            Alert a = s.last;
            driver = new Signal(a.ruleId(), "removed", a.subject(), a.site(), a.zone(), a.metric(), null, Level.NORMAL,
                    true, a.value(), a.limit(), null, a.eventTime(), false, 0L);
        }
        Threshold th = rule.threshold();
        emit(rule, before, s, driver, Math.max(s.lastSeen, s.last.eventTime()), Phase.CLOSED,
                th != null ? th.clear() : driver.limit(), IncidentState.NONE,
                "closed: rule " + rule.id() + " was removed by " + by);
    }

    /** A changed rule: its incident keeps phase and id; opinions of detectors it no longer has are dropped. */
    public static IncidentState changed(Rule rule, IncidentState s) {
        if (s == null) {
            return null;
        }
        s.latest.keySet().removeIf(kind -> !rule.has(kind));
        return s.quiet() ? null : s;
    }

    /** Applies the merged signals of one event time; returns the state to continue with (fresh after CLOSED). */
    private IncidentState evaluate(Rule rule, RuleSet inForce, IncidentState s, long t, long now) {
        Signal driver = null;
        boolean cleared = true;
        for (Signal sig : s.latest.values()) {
            cleared &= sig.cleared();
            if (driver == null || concern(sig, driver) > 0) {
                driver = sig;
            }
        }
        Level level = driver.level();
        Phase before = s.phase;
        Threshold th = rule.threshold();
        double clearLevel = th != null ? th.clear() : driver.limit();
        switch (s.phase) {
            case NORMAL, PRE_WARNING -> {
                if (level == Level.ALARM) {
                    if (s.breachSince == IncidentState.NONE) {
                        s.breachSince = t;
                    }
                    if (t - s.breachSince >= rule.holdForMs()) {
                        if (s.incidentStart == IncidentState.NONE) {
                            s.incidentStart = s.breachSince;
                        }
                        s.reachedAlarm = true;
                        emit(rule, inForce, s, driver, t, Phase.ALARM, driver.limit(), now, null);
                    } else if (s.phase == Phase.NORMAL && rule.warns()) {
                        s.incidentStart = t;
                        s.warnLimit = th != null && th.hasWarn() ? th.warn() : driver.limit();
                        emit(rule, inForce, s, driver, t, Phase.PRE_WARNING, s.warnLimit, now, null);
                    }
                } else {
                    s.breachSince = IncidentState.NONE;
                    if (s.phase == Phase.NORMAL && level == Level.WARN) {
                        s.incidentStart = t;
                        s.warnLimit = driver.limit();
                        emit(rule, inForce, s, driver, t, Phase.PRE_WARNING, s.warnLimit, now, null);
                    } else if (s.phase == Phase.PRE_WARNING && level == Level.NORMAL) {
                        emit(rule, inForce, s, driver, t, Phase.CLOSED, s.warnLimit, now, null);
                        return fresh(s);
                    }
                }
            }
            case ALARM -> {
                if (cleared) {
                    s.clearSince = t;
                    emit(rule, inForce, s, driver, t, Phase.RECOVERING, clearLevel, now, null);
                    return closeIfCleared(rule, inForce, s, driver, t, clearLevel, now);
                }
            }
            case RECOVERING -> {
                if (level == Level.ALARM) {
                    s.clearSince = IncidentState.NONE;
                    emit(rule, inForce, s, driver, t, Phase.ALARM, driver.limit(), now, null);
                } else if (cleared) {
                    if (s.clearSince == IncidentState.NONE) {
                        s.clearSince = t;
                    }
                    return closeIfCleared(rule, inForce, s, driver, t, clearLevel, now);
                } else {
                    s.clearSince = IncidentState.NONE;
                }
            }
            default -> throw new IllegalStateException("unexpected phase " + s.phase);
        }
        if (s.phase == before && s.phase != Phase.NORMAL && driver.members() != null
                && !driver.members().equals(s.members)) {
            // a group changed within one phase (a muster's missing people): officers need the live list
            emit(rule, inForce, s, driver, t, s.phase, s.last.limit(), now, null);
        }
        if (s.phase != Phase.NORMAL) {
            count(rule, s, driver, t);
        }
        return s;
    }

    private IncidentState closeIfCleared(Rule rule, RuleSet inForce, IncidentState s, Signal driver, long t,
                                         double clearLevel, long now) {
        if (t - s.clearSince >= rule.clearForMs()) {
            emit(rule, inForce, s, driver, t, Phase.CLOSED, clearLevel, now, null);
            return fresh(s);
        }
        count(rule, s, driver, t);
        return s;
    }

    /** After CLOSED: the series is NORMAL again; the detectors' latest opinions still count. */
    private static IncidentState fresh(IncidentState closed) {
        IncidentState s = new IncidentState();
        s.latest = closed.latest;
        s.forgetTimer = closed.forgetTimer;
        s.lastSeen = closed.lastSeen;
        return s;
    }

    /** Counts an event time of the open incident once, and follows its peak. */
    private static void count(Rule rule, IncidentState s, Signal driver, long t) {
        if (s.countedAt == t) {
            return;
        }
        s.countedAt = t;
        s.readings++;
        if (Double.isNaN(s.peakValue) || rule.direction().beyond(driver.value(), s.peakValue)) {
            s.peakValue = driver.value();
            s.peakAt = t;
        }
    }

    /**
     * Publishes a transition.
     *
     * @param now  processing time, for a new escalation deadline; {@link IncidentState#NONE} where none may be set
     * @param note appended to the description, e.g. why an incident was closed; null for none
     */
    private void emit(Rule rule, RuleSet inForce, IncidentState s, Signal driver, long t, Phase phase, double level,
                      long now, String note) {
        if (phase == Phase.PRE_WARNING && s.firstPreWarningAt == IncidentState.NONE) {
            s.firstPreWarningAt = t;
        }
        if (phase == Phase.ALARM && s.alarmAt == IncidentState.NONE) {
            s.alarmAt = t;
        }
        count(rule, s, driver, t);
        s.phase = phase;
        if (driver.members() != null) {
            s.members = driver.members();
            driver.members().stream().filter(m -> !s.everMembers.contains(m)).forEach(s.everMembers::add);
        }
        String severity = s.reachedAlarm ? rule.severity() : PRE_WARNING_SEVERITY;
        String department = inForce.departmentOf(rule, driver.zone());
        double alarmLimit = rule.threshold() != null ? rule.threshold().limit() : driver.limit();
        Long eta = phase == Phase.PRE_WARNING || phase == Phase.ALARM ? driver.eta() : null;
        String id = s.incidentId(driver.incidentKey());
        IncidentReport report = phase == Phase.CLOSED ? report(id, rule, s, driver, department, t) : null;
        Alert alert = new Alert(id, rule.id(), driver.deviceId(), driver.site(), driver.zone(), driver.metric(), phase,
                severity, driver.value(), level, t, s.incidentStart,
                AlertText.render(rule.summary(), rule, driver, phase, severity, alarmLimit, level, eta, department),
                AlertText.render(rule.description(), rule, driver, phase, severity, alarmLimit, level, eta, department)
                        + (note == null ? "" : " (" + note + ")"),
                department, eta, s.acknowledgedBy, s.escalation, report);
        s.last = alert;
        out.alert(alert, driver);
        if (now == IncidentState.NONE) {
            return;
        }
        if (phase == Phase.ALARM && rule.escalateAfter() != null && s.acknowledgedBy == null
                && s.escalationTimer == IncidentState.NONE) {
            s.escalationTimer = now + rule.escalateAfter().toMillis();
        }
        if (phase == Phase.CLOSED) {
            s.escalationTimer = IncidentState.NONE;
        }
    }

    private static IncidentReport report(String id, Rule rule, IncidentState s, Signal driver, String department,
                                         long closedAt) {
        Long pre = s.firstPreWarningAt == IncidentState.NONE ? null : s.firstPreWarningAt;
        Long alarm = s.alarmAt == IncidentState.NONE ? null : s.alarmAt;
        Long ackAt = s.acknowledgedAt == IncidentState.NONE ? null : s.acknowledgedAt;
        Long toAck = ackAt == null ? null : ackAt - (alarm != null ? alarm : s.incidentStart);
        // a group incident reports everyone it concerned (a muster: who was missing), else its one device
        List<String> devices = s.everMembers.isEmpty() ? List.of(driver.deviceId()) : List.copyOf(s.everMembers);
        return new IncidentReport(id, rule.id(), driver.deviceId(), driver.site(), driver.zone(), department,
                devices, pre, alarm, pre != null && alarm != null ? alarm - pre : null,
                s.peakValue, s.peakAt, s.incidentStart, closedAt, closedAt - s.incidentStart, ackAt,
                s.acknowledgedBy, toAck, s.readings);
    }

    /** Publishes the current phase again with the acknowledgement and escalation level now known. */
    private void reissue(IncidentState s) {
        Alert a = s.last;
        s.last = new Alert(a.incidentId(), a.ruleId(), a.subject(), a.site(), a.zone(), a.metric(), a.phase(),
                a.severity(), a.value(), a.limit(), a.eventTime(), a.startedAt(), a.summary(), a.description(),
                a.department(), a.eta(), s.acknowledgedBy, s.escalation, a.report());
        out.alert(s.last, null);
    }
}

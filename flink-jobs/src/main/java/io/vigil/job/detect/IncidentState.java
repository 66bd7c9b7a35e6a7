package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one series stands under one rule, and what the post-event report needs. Kept in state by
 * {@link IncidentStateSerializer}, which writes it compactly: a field added here must be added there too.
 */
public class IncidentState {
    /** Marks an unset time. */
    public static final long NONE = Long.MIN_VALUE;

    public Phase phase = Phase.NORMAL;
    /** Event time the open incident started, or NONE: part of the incident id. */
    public long incidentStart = NONE;
    /** Whether the open incident has been in ALARM: CLOSED then carries the rule's severity. */
    public boolean reachedAlarm;
    /** Event time of the first signal of the current unbroken run at ALARM level, or NONE. */
    public long breachSince = NONE;
    /** Event time of the first signal of the current unbroken run with every detector cleared, or NONE. */
    public long clearSince = NONE;
    /** Event time of the last evaluated signal. */
    public long lastSeen = NONE;
    /** The registered timer that forgets a silent series, or NONE. */
    public long forgetTimer = NONE;
    /** The level the PRE_WARNING referred to; CLOSED of a withdrawn pre-warning reports it. */
    public double warnLimit;
    public long firstPreWarningAt = NONE;
    public long alarmAt = NONE;
    public double peakValue = Double.NaN;
    public long peakAt = NONE;
    /** Evaluated event times since the incident opened. */
    public long readings;
    /** The event time last counted in {@code readings}. */
    public long countedAt = NONE;
    public String acknowledgedBy;
    public long acknowledgedAt = NONE;
    public int escalation;
    /** The registered processing-time escalation timer, or NONE. */
    public long escalationTimer = NONE;
    /** The last alert published, re-published with an acknowledgement or an escalation. */
    public Alert last;
    /** For a group signal (see {@link Signal#members}): the members last published, null before any. */
    public List<String> members;
    /** Everyone who was a member at some point of the open incident, in order of appearance: the report's list. */
    public List<String> everMembers = new ArrayList<>();
    /** The latest signal of each of the rule's detectors (absent = NORMAL, cleared). */
    public Map<String, Signal> latest = new HashMap<>();

    public IncidentState() {}

    /** True if nothing is worth keeping: no incident, no run that could become one, no detector concerned. */
    public boolean quiet() {
        if (phase != Phase.NORMAL || breachSince != NONE) {
            return false;
        }
        for (Signal s : latest.values()) {
            if (s.level() != Level.NORMAL || !s.cleared()) {
                return false;
            }
        }
        return true;
    }

    public String incidentId(String incidentKey) {
        return incidentKey + ":" + incidentStart;
    }
}

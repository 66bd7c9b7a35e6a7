package io.vigil.job.group;

import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import io.vigil.job.rules.GroupAnomaly;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The members of one group of one {@code group_anomaly} rule and what was last said about them, in plain Java: the
 * counting the {@link GroupAnomalyWatch} runs when the watermark passes. Changes are buffered ({@link #add}) and
 * applied in event-time order ({@link #advance}), so the same changes give the same signals live and replayed.
 *
 * <p>A member counts from its onset while anomalous and for {@code within} after its spell ended; at least
 * {@code at_least} counting members is ALARM, fewer is NORMAL (cleared), repeated {@code clear_for} later so the
 * lifecycle can close a RECOVERING incident. A change of the counting members during ALARM re-publishes it with the
 * new list. Bounded: a member leaves {@code within} after its spell ended, and one whose spell never ends (its rule
 * was removed, the series fell silent while anomalous) {@code forgetAfter} after its onset.
 */
public final class GroupMembers {
    public static final long NONE = Long.MIN_VALUE;

    /** Per member series ({@code device/metric}, in name order): {onset, end of spell or NONE while anomalous}. */
    final TreeMap<String, long[]> members = new TreeMap<>();
    /** Changes the watermark has not passed yet, in arrival order. */
    final List<MemberChange> pending = new ArrayList<>(2);
    /** The latest change applied: the rule's parameters and the group's names. Null before any. */
    MemberChange last;
    /** The members of the last ALARM signal; null while the group is not at ALARM. */
    List<String> alarmed;
    /** When a NORMAL signal is due again so a RECOVERING incident can close, or NONE. */
    long confirmClearAt = NONE;
    /** Event time up to which changes are applied: a change that arrives later is applied at this time. */
    long now = NONE;
    /** The registered event-time timer, or NONE (the operator's; kept here to be moved, not duplicated). */
    long timer = NONE;

    public void add(MemberChange change) {
        pending.add(change);
    }

    /** Nothing left to remember: no member, no change waiting, no incident to follow up. */
    public boolean empty() {
        return members.isEmpty() && pending.isEmpty() && alarmed == null && confirmClearAt == NONE;
    }

    /** The earliest event time something is due (a change, a member leaving, a repeated clear), or NONE. */
    public long nextDue(long forgetAfterMs) {
        long next = Long.MAX_VALUE;
        for (MemberChange c : pending) {
            next = Math.min(next, due(c));
        }
        for (long[] m : members.values()) {
            next = Math.min(next, leaves(m, forgetAfterMs));
        }
        if (confirmClearAt != NONE) {
            next = Math.min(next, confirmClearAt);
        }
        return next == Long.MAX_VALUE ? NONE : next;
    }

    /**
     * Applies, in event-time order, everything due up to {@code upTo} (the watermark); changes of one event time
     * together, in the order they came, then the members whose time is up leave.
     *
     * @return the signals for the group's incident, in event-time order
     */
    public List<Signal> advance(long upTo, long forgetAfterMs) {
        List<Signal> out = new ArrayList<>(1);
        for (long t = nextDue(forgetAfterMs); t != NONE && t <= upTo; t = nextDue(forgetAfterMs)) {
            now = t;
            for (Iterator<MemberChange> it = pending.iterator(); it.hasNext(); ) {
                MemberChange c = it.next();
                if (c.eventTime() <= t) {
                    apply(c, t);
                    it.remove();
                }
            }
            long at = t;
            members.values().removeIf(m -> leaves(m, forgetAfterMs) <= at);
            evaluate(t, out);
        }
        return out;
    }

    private long due(MemberChange c) {
        return now == NONE ? c.eventTime() : Math.max(c.eventTime(), now);
    }

    private long leaves(long[] m, long forgetAfterMs) {
        return m[1] == NONE ? m[0] + forgetAfterMs : m[1] + last.withinMs();
    }

    private void apply(MemberChange c, long t) {
        last = c;
        long[] m = members.get(c.member());
        if (c.anomalous()) {
            members.put(c.member(), new long[] {t, NONE});
        } else if (m != null && m[1] == NONE) {
            m[1] = t;
        }
    }

    private void evaluate(long t, List<Signal> out) {
        List<String> counting = List.copyOf(members.keySet());
        if (last == null) {
            return;
        }
        if (counting.size() >= last.atLeast()) {
            if (!counting.equals(alarmed)) {
                out.add(signal(Level.ALARM, counting, t));
                alarmed = counting;
            }
            confirmClearAt = NONE;
        } else if (alarmed != null) {
            out.add(signal(Level.NORMAL, counting, t));
            alarmed = null;
            confirmClearAt = last.clearForMs() > 0 ? t + last.clearForMs() : NONE;
        } else if (confirmClearAt != NONE && t >= confirmClearAt) {
            out.add(signal(Level.NORMAL, counting, t));
            confirmClearAt = NONE;
        }
    }

    private Signal signal(Level level, List<String> counting, long t) {
        return new Signal(last.ruleId(), GroupAnomaly.KIND, last.group(), last.site(), last.zone(), last.metric(), null,
                level, level != Level.ALARM, counting.size(), last.atLeast(), null, t, false, 0L, counting);
    }

    /** The members counting now, in name order. */
    public List<String> counting() {
        return List.copyOf(members.keySet());
    }
}

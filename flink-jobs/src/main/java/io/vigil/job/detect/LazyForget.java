package io.vigil.job.detect;

import org.apache.flink.streaming.api.TimerService;

/**
 * One forget timer per key that stays armed while the key is in use and moves on when it fires early, instead of
 * a delete and a register per element (the profile of {@code bin/vigil bench job} showed per-reading re-arming
 * among the job's timer costs). Its state is {@code [last time the key was used, armed timer]}; forgetting stays
 * exact: the key is forgotten one {@code after} past its last use.
 */
public final class LazyForget {
    private static final int LAST = 0;
    private static final int ARMED = 1;
    private static final long NONE = Long.MIN_VALUE;

    private LazyForget() {}

    /** Whether a timer may be deleted: not when elements pending for that same time share it. */
    @FunctionalInterface
    public interface Deletable {
        boolean test(long ts) throws Exception;
    }

    /**
     * The key was used at {@code lastSeen}: arms a timer only if none is armed at or before {@code lastSeen + after}
     * and after {@code lastSeen}.
     *
     * @param state     the key's state, or null
     * @param deletable whether a timer at that time may be deleted (not shared with pending elements)
     * @return the state to store
     */
    public static long[] used(long[] state, long lastSeen, long afterMs, TimerService timers, Deletable deletable)
            throws Exception {
        long at = lastSeen + afterMs;
        long armed = state == null ? NONE : state[ARMED];
        if (armed != NONE && armed > at) { // the forget time was shortened
            if (deletable.test(armed)) {
                timers.deleteEventTimeTimer(armed);
            }
            armed = NONE;
        }
        if (armed == NONE || armed <= lastSeen) { // none, or it was due now and went with this element's timer
            timers.registerEventTimeTimer(at);
            armed = at;
        }
        return new long[] {lastSeen, armed};
    }

    /** Whether {@code ts} is this key's forget timer. */
    public static boolean isTimer(long[] state, long ts) {
        return state != null && state[ARMED] == ts;
    }

    /** Whether the key was unused for longer than {@code afterMs} before {@code ts}. */
    public static boolean silentBefore(long[] state, long ts, long afterMs) {
        return state != null && ts > state[LAST] + afterMs;
    }

    /**
     * The forget timer fired at {@code ts}: null if the key is to be forgotten now, else the state with the timer
     * moved on to one {@code after} past its last use (the key was used since the timer was set).
     */
    public static long[] fired(long[] state, long ts, long afterMs, TimerService timers) throws Exception {
        long at = state[LAST] + afterMs;
        if (at <= ts) {
            return null;
        }
        timers.registerEventTimeTimer(at);
        return new long[] {state[LAST], at};
    }
}

package io.vigil.job.series;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.detect.RuleState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the job keeps about one series (a device's metric): where its order stands, its anomaly model, and
 * per rule that watches it the detectors' memory and the incident. One state entry per series, written compactly
 * by {@link SeriesStateSerializer}: a field added here must be added there too.
 */
public final class SeriesState {
    public static final long NONE = Long.MIN_VALUE;

    /** Processing time at which the last judged reading was judged: the no-data wall-clock fallback counts from it. */
    public long lastArrival = NONE;
    /** The last judged reading: what a no-data alarm reports (site, zone, unit, last value). */
    public Reading last;
    /** The series' anomaly model, or null while the series is not scored. */
    public SeriesAnomaly model;
    /** Per rule id: what that rule keeps about this series. */
    public Map<String, RuleState> rules = new LinkedHashMap<>(4);
    /** The one event-time timer armed for this series, or NONE. */
    public long eventTimer = NONE;
    /** The one processing-time timer armed for this series, or NONE. */
    public long processingTimer = NONE;

    /** Readings waiting for their settling window to end, in event-time order (ties in arrival order). */
    public List<Reading> settling = new ArrayList<>(0);
    /** Processing time the settling window ends, or NONE. */
    public long settleAt = NONE;

    /** Event time of the last judged reading; a reading older than this is late (stored, counted, not judged). */
    public long lastJudged() {
        return last == null ? NONE : last.eventTime();
    }

    public boolean empty() {
        return model == null && rules.isEmpty() && settling.isEmpty();
    }

    boolean settling() {
        return !settling.isEmpty();
    }

    long firstSettling() {
        return settling.get(0).eventTime();
    }

    /** Adds a reading to the settling window, after every one not later than it. */
    void settle(Reading r) {
        int at = settling.size();
        while (at > 0 && settling.get(at - 1).eventTime() > r.eventTime()) {
            at--;
        }
        settling.add(at, r);
    }

    /** The settling readings up to event time {@code upTo}, in order; later ones stay in the window. */
    List<Reading> drainSettled(long upTo) {
        int n = 0;
        while (n < settling.size() && settling.get(n).eventTime() <= upTo) {
            n++;
        }
        if (n == settling.size()) {
            List<Reading> out = settling;
            settling = new ArrayList<>(0);
            return out;
        }
        List<Reading> out = new ArrayList<>(settling.subList(0, n));
        settling.subList(0, n).clear();
        return out;
    }
}

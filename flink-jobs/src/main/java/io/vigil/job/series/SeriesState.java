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

    /** Event time of the last judged reading; a reading older than this is late (stored, counted, not judged). */
    public long lastJudged = NONE;
    /** Processing time at which the last judged reading was judged: the no-data wall-clock fallback counts from it. */
    public long lastArrival = NONE;
    /** The last judged reading: what a no-data alarm reports (site, zone, unit, last value). */
    public Reading last;
    /** The series' anomaly model, or null while the series is not scored. */
    public SeriesAnomaly model;
    /** Per rule id: what that rule keeps about this series. */
    public Map<String, RuleState> rules = new LinkedHashMap<>(4);
    /**
     * True when the last reading was already a no-data timeout old when the gateway received it: the device's clock
     * is behind (or it uploads what it buffered); it is not silent, and only the wall clock watches it for silence.
     */
    public boolean behind;
    /** The one event-time timer armed for this series, or NONE. */
    public long eventTimer = NONE;
    /** The one processing-time timer armed for this series, or NONE. */
    public long processingTimer = NONE;

    /** Readings waiting for their settling window to end, in event-time order (ties in arrival order). */
    public List<Reading> settling = new ArrayList<>(0);
    /** Processing time the settling window ends, or NONE. */
    public long settleAt = NONE;

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

    /** The settling readings in order; the window is empty afterwards. */
    List<Reading> drainSettled() {
        List<Reading> out = settling;
        settling = new ArrayList<>(0);
        return out;
    }
}

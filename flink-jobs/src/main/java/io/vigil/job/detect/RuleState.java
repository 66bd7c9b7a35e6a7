package io.vigil.job.detect;

/**
 * What one rule keeps about one series: the incident and each detector's memory. Detectors without memory
 * (threshold, range, anomaly: the model belongs to the series) leave their fields at the defaults.
 */
public final class RuleState {
    public static final long NONE = Long.MIN_VALUE;

    /** The incident, or null while the series is quiet under this rule. */
    public IncidentState incident;
    /** {@link RateDetector}: the window's readings; null when empty. */
    Points rate;
    /** {@link ForecastDetector}: the window's readings, thinned; null when empty. */
    Points forecast;
    /** {@link FlatlineDetector}: the first value of the current run and when it was read. */
    double flatValue = Double.NaN;
    long flatSince = NONE;
    /** {@link NoDataDetector}: the series is offline under this rule (an ALARM was signalled). */
    boolean offline;

    /** True if nothing is worth keeping. */
    public boolean empty() {
        return incident == null && rate == null && forecast == null && flatSince == NONE && !offline;
    }

    public Points rate() {
        return rate;
    }

    public Points forecast() {
        return forecast;
    }

    public double flatValue() {
        return flatValue;
    }

    public long flatSince() {
        return flatSince;
    }

    public boolean offline() {
        return offline;
    }

    public void restore(Points rate, Points forecast, double flatValue, long flatSince, boolean offline) {
        this.rate = rate;
        this.forecast = forecast;
        this.flatValue = flatValue;
        this.flatSince = flatSince;
        this.offline = offline;
    }
}

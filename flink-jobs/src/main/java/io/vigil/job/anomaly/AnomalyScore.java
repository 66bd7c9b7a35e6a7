package io.vigil.job.anomaly;

/**
 * How unlike itself one series behaved at one reading: {@code score} in [0, 1], 0 = as expected (or not yet
 * known well enough to say), 1 = far outside anything the series has done recently.
 *
 * @param unit       the reading's unit, so the score is stored under the same InfluxDB tag set as the reading (null: none)
 * @param eventNanos the reading's {@link io.vigil.common.Reading#eventNanos()}, so the score lands in its point
 */
public record AnomalyScore(String deviceId, String site, String zone, String metric, long eventTime, double value,
                           double score, String unit, int eventNanos) {

    public AnomalyScore(String deviceId, String site, String zone, String metric, long eventTime, double value,
                        double score, String unit) {
        this(deviceId, site, zone, metric, eventTime, value, score, unit, 0);
    }

    public AnomalyScore(String deviceId, String site, String zone, String metric, long eventTime, double value,
                        double score) {
        this(deviceId, site, zone, metric, eventTime, value, score, null);
    }

    public String seriesKey() {
        return deviceId + "/" + metric;
    }
}

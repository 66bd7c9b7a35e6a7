package io.vigil.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Latency from gateway receive time ({@code Reading.receiveTime} of the reading that caused an incident
 * transition) to the alert reaching each channel: on {@code vigil.alerts} two ways, the broker's LogAppendTime of
 * the alert record (written inside the job's Kafka transaction, before it commits) and the moment a read_committed
 * consumer got it (after the checkpoint committed the transaction: when Kafka subscribers can see it); and the
 * moment the alert arrived at an MQTT subscriber of {@code vigil/alerts/#}, which the job publishes as soon as it
 * decides (what duty officers' displays and sirens see).
 *
 * @param alerts      transitions seen on vigil.alerts during the phase
 * @param matched     of those, the ones whose causing reading was found on vigil.readings (timer-driven
 *                    transitions, e.g. a no-data alarm, have no such reading)
 * @param mqttAlerts  alert messages that arrived on MQTT during the phase (at least once: a redelivery counts again)
 * @param mqttMatched of those, the ones whose causing reading was found on vigil.readings
 * @param onMqtt      receive time → arrival at the MQTT subscriber
 */
public record AlertLatency(int alerts, int matched, Percentiles appended, Percentiles visible, int mqttAlerts,
                           int mqttMatched, Percentiles onMqtt) {
    /** p50, p99 and max in milliseconds; all -1 without samples. */
    public record Percentiles(long p50, long p99, long max) {
        static Percentiles of(List<Long> samples) {
            if (samples.isEmpty()) {
                return new Percentiles(-1, -1, -1);
            }
            List<Long> sorted = new ArrayList<>(samples);
            sorted.sort(null);
            return new Percentiles(rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
        }

        // nearest rank: the smallest sample with at least q of all samples at or below it
        private static long rank(List<Long> sorted, double q) {
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }
    }
}

package io.vigil.app.bench;

import java.util.List;

/**
 * What one load phase of the end-to-end benchmark counted. Counts come from each stage itself: the devices' own
 * acknowledgements, the Kafka log's offsets, InfluxDB's {@code count()} over the phase's event times.
 *
 * @param offeredPerSecond  the rate the simulated fleet was asked for
 * @param achievedPerSecond readings acknowledged per second of sending (first send to last acknowledgement)
 * @param sent              readings the devices handed to the network
 * @param acknowledged      readings the broker acknowledged (MQTT PUBACK) or the gateway answered 2.04 (CoAP)
 * @param failed            readings refused or unanswered
 * @param inKafka           records added to vigil.readings during the phase
 * @param stored            points in InfluxDB with the phase's event times
 * @param deadLetters       records added to vigil.deadletter during the phase
 * @param storeLagMillis    from the last acknowledgement until InfluxDB held every stored point (-1: never settled)
 * @param load              CPU and memory of every process over the phase, including the drain
 */
public record PhaseResult(String name, double offeredPerSecond, double achievedPerSecond, long sent,
                          long acknowledged, long failed, long inKafka, long stored, long deadLetters,
                          long storeLagMillis, List<ProcessLoad> load) {
    /** Readings neither acknowledged nor refused when the phase gave up waiting for them. */
    public long unanswered() {
        return sent - acknowledged - failed;
    }

    /**
     * Acknowledged readings not in InfluxDB when the phase stopped waiting for them (InfluxDB's count stalled or
     * the drain time ran out): lost, or still queued in Kafka behind a job that does not keep up. Kafka's count
     * tells which.
     */
    public long missing() {
        return Math.max(0, acknowledged - stored);
    }

    /** Every reading acknowledged and every acknowledged reading stored. */
    public boolean lossFree() {
        return failed == 0 && acknowledged == sent && stored == acknowledged;
    }

    /**
     * Loss-free and kept up: the fleet reached 95 % of the offered rate and InfluxDB had everything within
     * {@code maxStoreLagMillis} of the last acknowledgement (a pipeline that falls further behind is not sustaining
     * the rate, it is buffering it).
     */
    public boolean sustained(long maxStoreLagMillis) {
        return lossFree() && achievedPerSecond >= 0.95 * offeredPerSecond && storeLagMillis >= 0
                && storeLagMillis <= maxStoreLagMillis;
    }
}

package io.vigil.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One measured value of one metric of one device: the canonical event on {@code vigil.readings}.
 *
 * <p>Times are epoch milliseconds (UTC). {@code eventTime} is when the device measured the value and drives all
 * detection; {@code receiveTime} is when the gateway received it and is used for latency and freshness only.
 * {@code seq} is the sender's sequence number when the payload carried one (null otherwise); the gateway refuses a
 * repeated one.
 *
 * <p>{@code eventNanos} (0..999,999) places the reading within {@code eventTime}'s millisecond for storage only: the
 * gateway sets it on readings it time-stamps itself, so that two readings of one series received in the same
 * millisecond are two InfluxDB points rather than one overwriting the other. It is fixed when the gateway first
 * assigns it and travels on Kafka, so a replay overwrites the same point. See {@link #storeTimeNanos()}.
 */
public record Reading(
        String deviceId,
        String site,
        String zone,
        String metric,
        double value,
        String unit,
        long eventTime,
        long receiveTime,
        Protocol protocol,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long seq,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int eventNanos) {

    public static final int NANOS_PER_MILLI = 1_000_000;

    public Reading {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(metric, "metric");
        if (eventNanos < 0 || eventNanos >= NANOS_PER_MILLI) {
            throw new IllegalArgumentException("eventNanos must be 0..999999: " + eventNanos);
        }
        site = site == null ? Defaults.SITE : site;
        zone = zone == null ? Defaults.ZONE : zone;
        protocol = protocol == null ? Protocol.UNKNOWN : protocol;
    }

    /** A reading stored at its event time's millisecond. */
    public Reading(String deviceId, String site, String zone, String metric, double value, String unit,
                   long eventTime, long receiveTime, Protocol protocol, Long seq) {
        this(deviceId, site, zone, metric, value, unit, eventTime, receiveTime, protocol, seq, 0);
    }

    /** A reading without a sequence number. */
    public Reading(String deviceId, String site, String zone, String metric, double value, String unit,
                   long eventTime, long receiveTime, Protocol protocol) {
        this(deviceId, site, zone, metric, value, unit, eventTime, receiveTime, protocol, null);
    }

    /** The same reading, stored at {@code storeTimeNanos} (epoch ns): its event time becomes that time's millisecond. */
    public Reading storedAt(long storeTimeNanos) {
        return new Reading(deviceId, site, zone, metric, value, unit,
                Math.floorDiv(storeTimeNanos, NANOS_PER_MILLI), receiveTime, protocol, seq,
                (int) Math.floorMod(storeTimeNanos, NANOS_PER_MILLI));
    }

    /** The time the reading is stored under, epoch ns: {@code eventTime} plus {@code eventNanos}. */
    public long storeTimeNanos() {
        return eventTime * NANOS_PER_MILLI + eventNanos;
    }

    /** The key of one time series: a device's metric. */
    public String seriesKey() {
        return deviceId + "/" + metric;
    }

    /** Site and zone used when neither the payload nor the device registry names them. */
    public static final class Defaults {
        public static final String SITE = "default";
        public static final String ZONE = "unassigned";

        private Defaults() {}
    }
}

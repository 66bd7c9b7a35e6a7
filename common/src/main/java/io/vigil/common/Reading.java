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
        @JsonInclude(JsonInclude.Include.NON_NULL) Long seq) {

    public Reading {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(metric, "metric");
        site = site == null ? Defaults.SITE : site;
        zone = zone == null ? Defaults.ZONE : zone;
        protocol = protocol == null ? Protocol.UNKNOWN : protocol;
    }

    /** A reading without a sequence number. */
    public Reading(String deviceId, String site, String zone, String metric, double value, String unit,
                   long eventTime, long receiveTime, Protocol protocol) {
        this(deviceId, site, zone, metric, value, unit, eventTime, receiveTime, protocol, null);
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

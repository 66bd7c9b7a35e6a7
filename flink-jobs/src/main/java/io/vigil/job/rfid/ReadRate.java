package io.vigil.job.rfid;

/**
 * What one reader antenna reported during one interval of event time: a point of the read-rate series. A reader
 * that goes quiet or floods shows here before it shows in presence.
 *
 * @param zone        the zone the site maps the antenna to, or null for an antenna the site does not map
 * @param windowStart start of the interval (epoch ms), the point's time
 * @param reports     tag-read events received (one per MQTT/CoAP object)
 * @param reads       tag reads they stand for (a report may count several, Zebra's {@code reads})
 */
public record ReadRate(String reader, int antenna, String zone, long windowStart, long windowMs, long reports,
                       long reads) {

    /** Reads per second over the interval. */
    public double readsPerSecond() {
        return reads * 1000.0 / windowMs;
    }
}

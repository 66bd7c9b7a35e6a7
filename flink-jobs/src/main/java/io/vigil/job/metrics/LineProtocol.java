package io.vigil.job.metrics;

/** InfluxDB line-protocol escaping for metric points (measurement names, tags, float fields). */
final class LineProtocol {
    private LineProtocol() {}

    static String measurement(String name) {
        return name.replace(",", "\\,").replace(" ", "\\ ");
    }

    static String tag(String s) {
        return s.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ");
    }

    /** NaN and infinities are not valid field values; they become 0 so one odd gauge does not lose the batch. */
    static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "0.0";
    }
}

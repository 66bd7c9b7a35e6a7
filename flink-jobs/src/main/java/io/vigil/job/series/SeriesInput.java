package io.vigil.job.series;

import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the series evaluator hears on its keyed input: a reading, or a duty officer's acknowledgement routed to the
 * series its incident is about (exactly one is set).
 *
 * @param ackSeries the series key ({@code device/metric}) an acknowledgement is routed to; null for a reading
 */
public record SeriesInput(Reading reading, Acknowledgement ack, String ackSeries) {
    public static SeriesInput of(Reading reading) {
        return new SeriesInput(reading, null, null);
    }

    /** The key: {@link Reading#seriesKey()}. */
    public String seriesKey() {
        return reading != null ? reading.seriesKey() : ackSeries;
    }

    /**
     * The acknowledgement routed to every series its incident id can name. An incident id is
     * {@code rule:device:metric:start}; rule ids have no colon, but device ids and metrics may, so
     * {@code device:metric} is split at each colon in turn. Almost always there is one; a series that holds no
     * incident of that id ignores it.
     */
    public static List<SeriesInput> routes(Acknowledgement ack) {
        String id = ack.incidentId();
        int rule = id == null ? -1 : id.indexOf(':');
        int start = id == null ? -1 : id.lastIndexOf(':');
        List<SeriesInput> out = new ArrayList<>(1);
        if (rule < 0 || start <= rule) {
            return out;
        }
        String deviceAndMetric = id.substring(rule + 1, start);
        for (int i = deviceAndMetric.indexOf(':'); i >= 0; i = deviceAndMetric.indexOf(':', i + 1)) {
            out.add(new SeriesInput(null, ack,
                    deviceAndMetric.substring(0, i) + "/" + deviceAndMetric.substring(i + 1)));
        }
        return out;
    }
}

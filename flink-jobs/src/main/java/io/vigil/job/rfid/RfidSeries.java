package io.vigil.job.rfid;

import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagRead;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The RFID time series besides presence transitions: occupancy per zone and read rates per reader antenna.
 * Read rates are counted in the job, not the gateway, because gateways are stateless and several may share the
 * readers' MQTT subscription: only the job sees every read of an antenna, and in event time.
 *
 * @param occupancy        receives a {@link ZoneCount} per zone whenever its count may have changed
 * @param readRates        receives a {@link ReadRate} per reader antenna per {@code readRateInterval}
 * @param readRateInterval tumbling event-time interval of the read-rate counts
 */
public record RfidSeries(Sink<ZoneCount> occupancy, Sink<ReadRate> readRates, Duration readRateInterval) {

    void attach(DataStream<TagRead> reads, DataStream<OccupancyChange> changes, Site site) {
        changes.keyBy(OccupancyChange::zone)
                .process(new ZoneCounter(site)).name("rfid-zone-counts").uid("rfid-zone-counts")
                .sinkTo(occupancy).name("rfid-occupancy-sink").uid("rfid-occupancy-sink");
        reads.keyBy(TagRead::readPoint)
                .window(TumblingEventTimeWindows.of(readRateInterval))
                .aggregate(new CountReads(), new ToReadRate(site)).name("rfid-read-rates").uid("rfid-read-rates")
                .sinkTo(readRates).name("rfid-read-rate-sink").uid("rfid-read-rate-sink");
    }

    /** {reports, reads} of one window. */
    static final class CountReads implements AggregateFunction<TagRead, long[], long[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(TagRead read, long[] acc) {
            acc[0]++;
            acc[1] += read.reads();
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            return new long[] {a[0] + b[0], a[1] + b[1]};
        }
    }

    static final class ToReadRate extends ProcessWindowFunction<long[], ReadRate, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final Site site;

        ToReadRate(Site site) {
            this.site = site;
        }

        @Override
        public void process(String readPoint, Context ctx, Iterable<long[]> counts, Collector<ReadRate> out) {
            long[] c = counts.iterator().next();
            int hash = readPoint.lastIndexOf('#');
            String reader = readPoint.substring(0, hash);
            int antenna = Integer.parseInt(readPoint.substring(hash + 1));
            TimeWindow w = ctx.window();
            out.collect(new ReadRate(reader, antenna, site.zoneOf(reader, antenna).orElse(null), w.getStart(),
                    w.getEnd() - w.getStart(), c[0], c[1]));
        }
    }
}

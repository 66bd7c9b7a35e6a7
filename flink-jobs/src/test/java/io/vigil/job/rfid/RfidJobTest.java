package io.vigil.job.rfid;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import io.vigil.job.CollectingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The RFID pipeline on a MiniCluster: a crowd fills the plaza (capacity 3) and leaves again. */
class RfidJobTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long T0 = 1_764_300_000_000L;

    @Test
    void crowdRaisesAndClosesTheOccupancyIncident() throws Exception {
        List<TagRead> reads = new ArrayList<>();
        // person i arrives at i s and is read every 500 ms until 10 s; everyone is then silent
        for (int i = 0; i < 5; i++) {
            for (long t = i * 1000L; t <= 10_000; t += 500) {
                reads.add(new TagRead("gate", 1, "p-" + i, -50.0, 1, T0 + t, T0 + t, Protocol.MQTT, TagFormat.VIGIL,
                        "staff"));
            }
        }
        reads.sort(java.util.Comparator.comparingLong(TagRead::eventTime));
        CollectingSink<PresenceEvent> presence = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<TagRead> type = TypeInformation.of(TagRead.class);
        RfidJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                        reads.toArray(TagRead[]::new)), reads.size(), type),
                RfidJob.watermarks(Duration.ofSeconds(1), Duration.ofSeconds(10)), presence,
                List.<Sink<Alert>>of(alerts), PresenceTrackerTest.SITE,
                PresenceSettings.defaults().withDepartAfter(Duration.ofSeconds(5)), Duration.ofSeconds(2));
        env.execute("rfid-test");

        assertThat(presence.values()).filteredOn(e -> e.kind() == PresenceKind.ARRIVED).hasSize(5);
        assertThat(presence.values()).filteredOn(e -> e.kind() == PresenceKind.DEPARTED).hasSize(5);
        assertThat(alerts.values()).extracting(Alert::phase).containsExactly(
                Phase.PRE_WARNING, Phase.ALARM, Phase.RECOVERING, Phase.CLOSED);
        assertThat(alerts.values()).extracting(Alert::zone).containsOnly("plaza");
    }

    @Test
    void occupancyAndReadRateSeriesFollowTheCrowd() throws Exception {
        List<TagRead> reads = new ArrayList<>();
        // person i arrives at i s on the plaza antenna, read every 500 ms until 10 s; a weak cross-read from the
        // street antenna every 4 s, too rare to put anyone in the street
        for (int i = 0; i < 5; i++) {
            for (long t = i * 1000L; t <= 10_000; t += 500) {
                reads.add(new TagRead("gate", 1, "p-" + i, -50.0, 2, T0 + t, T0 + t, Protocol.MQTT, TagFormat.VIGIL,
                        "staff"));
                if (t % 4000 == 1000) {
                    reads.add(new TagRead("gate", 2, "p-" + i, -75.0, 1, T0 + t + 250, T0 + t + 250, Protocol.MQTT,
                            TagFormat.VIGIL, "staff"));
                }
            }
        }
        reads.sort(java.util.Comparator.comparingLong(TagRead::eventTime));
        CollectingSink<ZoneCount> occupancy = new CollectingSink<>();
        CollectingSink<ReadRate> rates = new CollectingSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<TagRead> type = TypeInformation.of(TagRead.class);
        RfidJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                        reads.toArray(TagRead[]::new)), reads.size(), type),
                RfidJob.watermarks(Duration.ofSeconds(1), Duration.ofSeconds(10)), new CollectingSink<>(),
                List.<Sink<Alert>>of(new CollectingSink<>()), PresenceTrackerTest.SITE,
                PresenceSettings.defaults().withDepartAfter(Duration.ofSeconds(5)), Duration.ofSeconds(2),
                new RfidSeries(occupancy, rates, Duration.ofSeconds(5)));
        env.execute("rfid-series-test");

        List<ZoneCount> plaza = occupancy.values().stream().filter(c -> c.zone().equals("plaza"))
                .sorted(java.util.Comparator.comparingLong(ZoneCount::eventTime)).toList();
        assertThat(plaza).extracting(ZoneCount::count).containsExactly(1, 2, 3, 4, 5, 0);
        assertThat(plaza).extracting(ZoneCount::capacity).containsOnly(3);
        assertThat(plaza.get(0).eventTime()).isEqualTo(T0); // one report of two reads is enough to arrive
        assertThat(occupancy.values()).noneMatch(c -> c.zone().equals("street"));

        long totalReads = reads.stream().mapToLong(TagRead::reads).sum();
        assertThat(rates.values().stream().mapToLong(ReadRate::reads).sum()).isEqualTo(totalReads);
        assertThat(rates.values().stream().mapToLong(ReadRate::reports).sum()).isEqualTo(reads.size());
        ReadRate first = rates.values().stream().filter(r -> r.antenna() == 1 && r.windowStart() == T0 - T0 % 5000)
                .findFirst().orElseThrow();
        assertThat(first.zone()).isEqualTo("plaza");
        assertThat(first.windowMs()).isEqualTo(5000);
        assertThat(rates.values()).filteredOn(r -> r.antenna() == 2).extracting(ReadRate::zone).containsOnly("street");
    }
}

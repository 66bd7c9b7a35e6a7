package io.vigil.job.rfid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import io.vigil.job.backtest.ReplayResultSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RFID pipeline on a MiniCluster with every warning: a crowd fills the plaza (capacity 3) and then musters
 * after a fire ALARM, a visitor slips into the pump room, an asset leaves the store, hazardous material leaves the
 * lab, a worker stays too long in the lab. Reads arrive out of order within the watermark bound.
 */
class RfidJobTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long T0 = 1_764_300_000_000L;
    static final Site SITE = SiteLoader.parse("""
            site: job-test
            readers:
              - {reader: r, antenna: 1, zone: plaza}
              - {reader: r, antenna: 2, zone: street}
              - {reader: r, antenna: 3, zone: pump-room}
              - {reader: r, antenna: 4, zone: store}
              - {reader: r, antenna: 5, zone: lab}
              - {reader: r, antenna: 6, zone: muster}
            zones:
              - {id: plaza, capacity: 3}
              - {id: street}
              - {id: pump-room, restricted: true, allowed: [staff]}
              - {id: store}
              - {id: lab, hazardous: true, max_dwell: 10s}
              - {id: muster, assembly_point: true}
            groups:
              - {id: staff, prefixes: ["p-s"]}
              - {id: visitors, prefixes: ["p-v"]}
              - {id: assets, personal: false, prefixes: ["ASSET-"], home_zone: store, missing_after: 10s}
              - {id: hazmat, personal: false, tags: ["HAZ-1"], home_zone: lab, hazardous: true}
            evacuation: {triggered_by: [fire], zones: [plaza, lab, pump-room]}
            """, "job-test.yaml");

    private final List<TagRead> reads = new ArrayList<>();

    /** Reads of one tag by one antenna every 500 ms from {@code fromMs} to {@code toMs} (relative to T0). */
    private void reads(String tag, String group, int antenna, double rssi, long fromMs, long toMs) {
        for (long t = fromMs; t <= toMs; t += 500) {
            reads.add(new TagRead("r", antenna, tag, rssi, 1, T0 + t, T0 + t, Protocol.MQTT, TagFormat.VIGIL, group));
        }
    }

    @Test
    void everyWarningGoesThroughTheLifecycleOnTheRealPipeline() throws Exception {
        for (int i = 1; i <= 4; i++) {
            // crowd: arrives at i s (present at i.5 s), moves to the muster point at 12+i s (counted at 12.5+i s)
            reads("p-v" + i, "visitors", 1, -60, i * 1000L, 11_000 + i * 1000L);
            reads("p-v" + i, "visitors", 6, -40, 12_000 + i * 1000L, 20_000);
        }
        reads("p-v9", "visitors", 3, -50, 1000, 2000);     // intrusion; departs at 7 s, before the fire
        reads("ASSET-1", "assets", 4, -60, 0, 3000);       // at home in the store...
        reads("ASSET-1", "assets", 2, -40, 3500, 6000);    // ...moved to the street at 4 s: missing at 14 s
        reads("ASSET-1", "assets", 4, -50, 30_000, 32_000); // back home at 30.5 s
        reads("HAZ-1", "hazmat", 5, -60, 0, 2000);          // hazmat at home in the lab...
        reads("HAZ-1", "hazmat", 2, -40, 2500, 5000);       // ...read in the street at 3 s
        reads("HAZ-1", "hazmat", 5, -50, 20_000, 22_000);   // back in the lab at 20.5 s
        reads("p-s1", "staff", 5, -50, 20_000, 33_000);     // in the lab from 20.5 s: warns at 28.5, alarms at 30.5
        // out of order: shuffled within 800 ms, less than the 1 s watermark bound
        reads.sort(Comparator.comparingLong(TagRead::eventTime));
        Random random = new Random(5);
        List<TagRead> shuffled = new ArrayList<>(reads);
        shuffled.sort(Comparator.comparingLong(r -> r.eventTime() + random.nextInt(800)));

        Alert fire = new Alert("fire:smoke-1:smoke:" + (T0 + 8000), "fire", "smoke-1", "harbour", "plaza", "smoke",
                Phase.ALARM, "critical", 1, 1, T0 + 8000, T0 + 8000, "Fire", "", null, null, null, 0, null);

        ReplayResultSink<PresenceEvent> presence = new ReplayResultSink<>();
        ReplayResultSink<Alert> alerts = new ReplayResultSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<TagRead> readType = TypeInformation.of(TagRead.class);
        TypeInformation<Alert> alertType = TypeInformation.of(Alert.class);
        // the fire alarm must reach the muster before the readers pass 13 s (when the crowd starts to leave the
        // plaza): reads are paced so that takes seconds, while the single alarm is sent at once
        DataStream<Alert> triggers = env.fromSource(new DataGeneratorSource<>(
                new FromElementsGeneratorFunction<>(alertType, fire), 1, alertType),
                WatermarkStrategy.noWatermarks(), "fire-alarms");
        RfidJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(readType,
                        shuffled.toArray(TagRead[]::new)), shuffled.size(), RateLimiterStrategy.perSecond(40), readType),
                RfidJob.watermarks(Duration.ofSeconds(1), Duration.ofSeconds(10)), presence,
                List.<Sink<Alert>>of(alerts), SITE, PresenceSettings.defaults().withDepartAfter(Duration.ofSeconds(5)),
                Duration.ofSeconds(2), triggers, null);
        env.execute("rfid-warnings-test");

        List<Alert> all = alerts.values();
        assertThat(of(all, RfidRules.OCCUPANCY)).extracting(Alert::phase, Alert::value, a -> a.eventTime() - T0)
                .containsExactly(
                        tuple(Phase.PRE_WARNING, 3.0, 3500L),
                        tuple(Phase.ALARM, 4.0, 4500L),
                        tuple(Phase.RECOVERING, 2.0, 14_500L),
                        tuple(Phase.CLOSED, 0.0, 16_500L));
        assertThat(of(all, RfidRules.INTRUSION)).extracting(Alert::phase, Alert::subject, a -> a.eventTime() - T0)
                .containsExactly(
                        tuple(Phase.ALARM, "p-v9", 1500L),
                        tuple(Phase.RECOVERING, "p-v9", 7000L),
                        tuple(Phase.CLOSED, "p-v9", 7000L));
        assertThat(of(all, RfidRules.MISSING_ASSET)).extracting(Alert::phase, a -> a.eventTime() - T0)
                .containsExactly(
                        tuple(Phase.ALARM, 14_000L), tuple(Phase.RECOVERING, 30_500L), tuple(Phase.CLOSED, 30_500L),
                        // last read at home at 32 s, departed at 37 s, and the input ends: missing again
                        tuple(Phase.ALARM, 47_000L));
        assertThat(of(all, RfidRules.HAZMAT_OUTSIDE)).extracting(Alert::phase, Alert::zone, a -> a.eventTime() - T0)
                .containsExactly(
                        tuple(Phase.ALARM, "street", 3000L),
                        tuple(Phase.RECOVERING, "lab", 20_500L),
                        tuple(Phase.CLOSED, "lab", 20_500L));
        assertThat(of(all, RfidRules.DWELL)).extracting(Alert::phase, a -> a.eventTime() - T0)
                .containsExactly(
                        tuple(Phase.PRE_WARNING, 28_500L),
                        tuple(Phase.ALARM, 30_500L),
                        tuple(Phase.RECOVERING, 38_000L),
                        tuple(Phase.CLOSED, 38_000L));
        List<Alert> muster = of(all, RfidRules.MUSTER);
        assertThat(muster).extracting(Alert::phase, Alert::value, a -> a.eventTime() - T0).containsExactly(
                tuple(Phase.ALARM, 4.0, 8000L),
                tuple(Phase.ALARM, 3.0, 13_500L),
                tuple(Phase.ALARM, 2.0, 14_500L),
                tuple(Phase.ALARM, 1.0, 15_500L),
                tuple(Phase.RECOVERING, 0.0, 16_500L),
                tuple(Phase.CLOSED, 0.0, 16_500L));
        assertThat(muster.get(5).report().devices()).containsExactly("p-v1", "p-v2", "p-v3", "p-v4");
        assertThat(muster).extracting(Alert::incidentId).containsOnly("rfid-muster:job-test:muster:" + (T0 + 8000));
        assertThat(of(all, RfidRules.OCCUPANCY)).extracting(Alert::incidentId)
                .containsOnly("rfid-zone-occupancy:plaza:occupancy:" + (T0 + 3500));
    }

    @Test
    void aDeclaredAssetNeverReadIsMissingFromTheSitesFirstTransition() throws Exception {
        Site site = SiteLoader.parse("""
                site: tools-test
                readers:
                  - {reader: r, antenna: 2, zone: street}
                  - {reader: r, antenna: 4, zone: store}
                zones: [{id: street}, {id: store}]
                groups:
                  - {id: visitors, prefixes: ["p-v"]}
                  - {id: tools, personal: false, tags: ["TOOL-1", "TOOL-2", "TOOL-3"], home_zone: store, missing_after: 10s}
                """, "tools-test.yaml");
        reads("p-v1", "visitors", 2, -60, 2000, 30_000); // the site's first transition: arrives at 2.5 s
        reads("TOOL-2", "tools", 4, -60, 4000, 30_000);  // at home from 4.5 s; departs at 35 s as the input ends
        reads("TOOL-3", "tools", 2, -60, 8000, 30_000);  // only ever read in the street, from 8.5 s
        // TOOL-1 is never read at all
        Random random = new Random(7);
        List<TagRead> shuffled = new ArrayList<>(reads);
        shuffled.sort(Comparator.comparingLong(r -> r.eventTime() + random.nextInt(800)));

        ReplayResultSink<Alert> alerts = new ReplayResultSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<TagRead> readType = TypeInformation.of(TagRead.class);
        RfidJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(readType,
                        shuffled.toArray(TagRead[]::new)), shuffled.size(), readType),
                RfidJob.watermarks(Duration.ofSeconds(1), Duration.ofSeconds(10)), new ReplayResultSink<>(),
                List.<Sink<Alert>>of(alerts), site, PresenceSettings.defaults().withDepartAfter(Duration.ofSeconds(5)),
                Duration.ofSeconds(2), null, null);
        env.execute("rfid-never-read-test");

        assertThat(of(alerts.values(), RfidRules.MISSING_ASSET))
                .extracting(Alert::subject, Alert::phase, Alert::value, a -> a.eventTime() - T0)
                .containsExactlyInAnyOrder(
                        tuple("TOOL-1", Phase.ALARM, 10.0, 12_500L), // never read: 10 s after the site's clock
                        tuple("TOOL-3", Phase.ALARM, 10.0, 12_500L), // not from its first read elsewhere
                        tuple("TOOL-2", Phase.ALARM, 10.0, 45_000L)); // left home when the input ended
        assertThat(alerts.values()).extracting(Alert::ruleId).containsOnly(RfidRules.MISSING_ASSET);
    }

    /** Each rule's alerts in order of event time, one incident at a time. */
    private static List<Alert> of(List<Alert> alerts, String rule) {
        return alerts.stream().filter(a -> a.ruleId().equals(rule)).sorted(Comparator.comparingLong(Alert::eventTime)
                .thenComparing(a -> a.phase().ordinal())).toList();
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
        ReplayResultSink<ZoneCount> occupancy = new ReplayResultSink<>();
        ReplayResultSink<ReadRate> rates = new ReplayResultSink<>();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TypeInformation<TagRead> type = TypeInformation.of(TagRead.class);
        RfidJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                        reads.toArray(TagRead[]::new)), reads.size(), type),
                RfidJob.watermarks(Duration.ofSeconds(1), Duration.ofSeconds(10)), new ReplayResultSink<>(),
                List.<Sink<Alert>>of(new ReplayResultSink<>()), PresenceTrackerTest.SITE,
                PresenceSettings.defaults().withDepartAfter(Duration.ofSeconds(5)), Duration.ofSeconds(2), null,
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

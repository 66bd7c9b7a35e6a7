package io.vigil.tools.evaluate;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagFormat;
import io.vigil.common.rfid.TagRead;
import io.vigil.job.InOrderReplay;
import io.vigil.job.backtest.ReplayResultSink;
import io.vigil.job.rfid.PresenceSettings;
import io.vigil.job.rfid.RfidJob;
import io.vigil.job.rfid.RfidRules;
import io.vigil.job.rfid.RfidSeries;
import io.vigil.job.rfid.ZoneCount;
import io.vigil.job.rules.RuleSet;
import io.vigil.sim.rfid.ReadGenerator;
import io.vigil.sim.rfid.ReadNoise;
import io.vigil.sim.rfid.RfidScenario;
import io.vigil.sim.rfid.SimRead;
import io.vigil.sim.rfid.Situation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Runs an RFID scenario's simulated reads (with reader noise) through the real RFID pipeline ({@link RfidJob#build})
 * in event time, and scores it against the scenario's truth: occupancy error per zone, sampled every second, and
 * for each true situation the delay from its true start to the first warning about it.
 */
public final class RfidEvaluation {
    /** Event time of every scenario's start: fixed, so a run is reproducible to the millisecond. */
    static final long START = 1_764_300_000_000L;
    private static final long SAMPLE_MS = 1_000;

    /** Delay of the first warning about one situation; {@code warnedAtMs} null = no warning came. */
    public record SituationScore(Situation situation, String phase, Long warnedAtMs) {
        public Long delayMs() {
            return warnedAtMs == null ? null : warnedAtMs - situation.startMs();
        }
    }

    /**
     * Occupancy error over every zone that ever holds a tag, sampled every second; {@code muster} for a scenario
     * whose trigger went through the readings rules, else null.
     */
    public record ScenarioScore(String scenario, long seed, int tags, int reads, double occupancyMae,
                                int occupancyMaxError, List<SituationScore> situations, List<Alert> alerts,
                                MusterScore muster) {}

    private RfidEvaluation() {}

    /** Without readings rules: a scenario's trigger sensor is not played, so no muster starts. */
    public static ScenarioScore run(String scenarioName, long seed, Site site, ReadNoise noise,
                                    PresenceSettings presence, int parallelism) throws Exception {
        return run(scenarioName, seed, site, noise, presence, parallelism, null);
    }

    /**
     * @param rules the readings rules the scenario's trigger sensor is judged by (as the live job's readings
     *              pipeline does), whose ALARMs may start the site's evacuation; null: no trigger is played
     */
    public static ScenarioScore run(String scenarioName, long seed, Site site, ReadNoise noise,
                                    PresenceSettings presence, int parallelism, RuleSet rules) throws Exception {
        RfidScenario scenario = RfidScenario.named(scenarioName, seed, site);
        List<TagRead> reads = reads(scenario, site, noise);
        List<Alert> triggers = rules == null ? List.of() : MusterScore.triggerAlerts(scenario, site, rules, START);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                new Configuration());
        TypeInformation<TagRead> type = TypeInformation.of(TagRead.class);
        try (ReplayResultSink<Alert> alertSink = new ReplayResultSink<>();
             ReplayResultSink<ZoneCount> counts = new ReplayResultSink<>()) {
            RfidJob.build(env, new DataGeneratorSource<>(new FromElementsGeneratorFunction<>(type,
                            reads.toArray(TagRead[]::new)), reads.size(), type), followEachRead(),
                    new DiscardingSink<>(), List.<Sink<Alert>>of(alertSink), site, presence, Duration.ofSeconds(30),
                    MusterScore.triggerStream(env, triggers),
                    new RfidSeries(counts, new DiscardingSink<>(), Duration.ofSeconds(10)));
            InOrderReplay.oneReader(env, RfidJob.TAGREADS_SOURCE);
            env.execute("vigil-evaluate-rfid-" + scenarioName);
            List<Alert> alerts = alertSink.values();
            int[] maxError = new int[1];
            double mae = occupancyError(scenario, counts.values(), maxError);
            List<SituationScore> situations = new ArrayList<>();
            for (Situation s : scenario.situations()) {
                situations.add(score(s, alerts));
            }
            MusterScore muster = rules == null ? null
                    : scenario.muster(site).map(truth -> MusterScore.of(truth, triggers, alerts, START)).orElse(null);
            return new ScenarioScore(scenarioName, seed, scenario.tags().size(), reads.size(), mae, maxError[0],
                    situations, alerts, muster);
        }
    }

    /** The simulated reads as the gateway would pass them on (pseudonymising people changes nothing measured here). */
    static List<TagRead> reads(RfidScenario scenario, Site site, ReadNoise noise) {
        ReadGenerator generator = new ReadGenerator(scenario, site, noise, 1_000);
        List<TagRead> out = new ArrayList<>();
        for (int round = 0; round < generator.rounds(); round++) {
            for (SimRead r : generator.round(round, START)) {
                String group = site.groupOf(r.tagId()).map(Site.TagGroup::id).orElse(null);
                out.add(new TagRead(r.reader(), r.antenna(), r.tagId(), r.rssiDbm(), 1, r.eventTime(), r.eventTime(),
                        Protocol.MQTT, TagFormat.VIGIL, group));
            }
        }
        out.sort(Comparator.comparingLong(TagRead::eventTime));
        return out;
    }

    static double occupancyError(RfidScenario scenario, List<ZoneCount> counts, int[] maxError) {
        Map<String, int[]> truth = scenario.occupancyOverTime(SAMPLE_MS);
        long total = 0;
        long samples = 0;
        for (Map.Entry<String, int[]> zone : truth.entrySet()) {
            List<ZoneCount> measured = counts.stream().filter(c -> c.zone().equals(zone.getKey()))
                    .sorted(Comparator.comparingLong(ZoneCount::eventTime)).toList();
            int next = 0;
            int current = 0;
            for (int k = 0; k < zone.getValue().length; k++) {
                long at = START + k * SAMPLE_MS;
                while (next < measured.size() && measured.get(next).eventTime() <= at) {
                    current = measured.get(next++).count();
                }
                int error = Math.abs(current - zone.getValue()[k]);
                total += error;
                samples++;
                maxError[0] = Math.max(maxError[0], error);
            }
        }
        return samples == 0 ? 0 : (double) total / samples;
    }

    /**
     * Occupancy situations match the occupancy rule's PRE_WARNING or ALARM in their zone; an evacuation matches the
     * muster opening (its incident covers the evacuated zones, not one); the others match the first alert of any
     * other rule about their zone, whatever its phase (the warning rules name their own phases).
     */
    static SituationScore score(Situation s, List<Alert> alerts) {
        Phase wanted = switch (s.kind()) {
            case "occupancy-pre-warning" -> Phase.PRE_WARNING;
            case "occupancy-alarm" -> Phase.ALARM;
            default -> null;
        };
        for (Alert a : alerts.stream().sorted(Comparator.comparingLong(Alert::eventTime)).toList()) {
            boolean occupancy = a.ruleId().equals(RfidRules.OCCUPANCY);
            boolean muster = a.ruleId().equals(RfidRules.MUSTER);
            boolean matches = s.kind().equals("evacuation") ? muster && a.phase() == Phase.ALARM
                    : wanted != null
                    ? occupancy && a.phase() == wanted && s.zone().equals(a.zone())
                    : !occupancy && !muster && a.phase() != Phase.CLOSED && s.zone().equals(a.zone());
            if (matches) {
                return new SituationScore(s, a.phase().name() + " " + a.ruleId(), a.eventTime() - START);
            }
        }
        return new SituationScore(s, "-", null);
    }

    /** Event time advances with each read, just behind it, as in {@link EvaluationJob}. */
    static WatermarkStrategy<TagRead> followEachRead() {
        return WatermarkStrategy.<TagRead>forGenerator(ctx -> new WatermarkGenerator<>() {
            private long emitted = Long.MIN_VALUE;

            @Override
            public void onEvent(TagRead read, long eventTimestamp, WatermarkOutput output) {
                if (eventTimestamp - 1 > emitted) {
                    emitted = eventTimestamp - 1;
                    output.emitWatermark(new Watermark(emitted));
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {}
        }).withTimestampAssigner((read, previous) -> read.eventTime());
    }
}

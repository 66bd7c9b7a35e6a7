package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.IncidentReport;
import io.vigil.job.rules.Direction;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.NoData;
import io.vigil.job.rules.PredictedCrossing;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.Threshold;
import io.vigil.job.series.SeriesHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rule combining detectors, acknowledgement, escalation and the post-event report. */
class IncidentLifecycleTest {
    static final String RULE = "river-flood";
    static final Rule FLOOD = new Rule(RULE, "water_level", Glob.ANY, Glob.ANY, List.of(
            new PredictedCrossing(Direction.ABOVE, 4.0, Duration.ofSeconds(30), Duration.ofSeconds(10), 5),
            new Threshold(Direction.ABOVE, 4.0, null, 3.8, Duration.ofSeconds(2), Duration.ofSeconds(3))),
            "critical", "River flood at {zone}", "{device} reads {value} {unit}, limit {limit} {unit}, ETA {eta}",
            null, Duration.ofMinutes(5));
    static final RuleSet RULES = new RuleSet(List.of(FLOOD), Map.of(new Glob("river-*"), "water-authority"));
    /** Rises 0.1 per second from 3.0, peaks at 4.4, falls back to 3.0. */
    static final double[] RISE_AND_FALL = {3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8, 3.9, 4.1, 4.2, 4.3, 4.4, 4.2,
        3.7, 3.5, 3.3, 3.1, 3.0, 3.0};

    @Test
    void theForecastPreWarnsWithAnEtaTheThresholdAlarmsAndTheReportTellsTheStory() throws Exception {
        SeriesHarness h = chain();
        feed(h, RISE_AND_FALL);

        List<Alert> alerts = h.extractOutputValues();
        assertThat(alerts).extracting(Alert::phase, Alert::eventTime, Alert::severity).containsExactly(
                tuple(Phase.PRE_WARNING, 4000L, "warning"),   // 5 readings in the window: 4.0 due in 6 s
                tuple(Phase.ALARM, 12_000L, "critical"),      // beyond 4.0 from 10 s, for 2 s
                // below 3.8 at 15 s; the forecast (still rising over the last 10 s) only pre-warns, so it does
                // not hold the ALARM open
                tuple(Phase.RECOVERING, 15_000L, "critical"),
                tuple(Phase.CLOSED, 18_000L, "critical"));    // cleared for 3 s
        Alert pre = alerts.get(0);
        assertThat(pre.eta()).isEqualTo(10_000L);
        assertThat(pre.limit()).isEqualTo(4.0);
        assertThat(pre.description()).isEqualTo("gauge-1 reads 3.4 m, limit 4.0 m, ETA 1970-01-01T00:00:10Z");
        assertThat(alerts).extracting(Alert::incidentId).containsOnly(RULE + ":gauge-1:water_level:4000");
        assertThat(alerts).extracting(Alert::department).containsOnly("water-authority");
        assertThat(alerts.subList(0, 3)).extracting(Alert::report).containsOnlyNulls();

        IncidentReport report = alerts.get(3).report();
        assertThat(report.firstPreWarningAt()).isEqualTo(4000L);
        assertThat(report.alarmAt()).isEqualTo(12_000L);
        assertThat(report.leadTimeMs()).isEqualTo(8000L);
        assertThat(report.peakValue()).isEqualTo(4.4);
        assertThat(report.peakAt()).isEqualTo(13_000L);
        assertThat(report.durationMs()).isEqualTo(14_000L);
        assertThat(report.readings()).isEqualTo(15);
        assertThat(report.devices()).containsExactly("gauge-1");
        assertThat(report.acknowledgedBy()).isNull();
        assertThat(report.department()).isEqualTo("water-authority");
    }

    @Test
    void anUnacknowledgedAlarmEscalatesEveryIntervalUntilAcknowledged() throws Exception {
        SeriesHarness h = chain();
        h.setProcessingTime(0);
        feed(h, 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8, 3.9, 4.1, 4.2, 4.3);
        assertThat(h.extractOutputValues()).extracting(Alert::phase).containsExactly(Phase.PRE_WARNING, Phase.ALARM);
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

        h.setProcessingTime(5 * 60_000 - 1);
        assertThat(h.extractOutputValues()).hasSize(2);
        h.setProcessingTime(5 * 60_000);
        h.setProcessingTime(10 * 60_000);
        List<Alert> alerts = h.extractOutputValues();
        assertThat(alerts).extracting(Alert::phase, Alert::escalation)
                .containsExactly(tuple(Phase.PRE_WARNING, 0), tuple(Phase.ALARM, 0), tuple(Phase.ALARM, 1),
                        tuple(Phase.ALARM, 2));
        assertThat(h.audit()).extracting(AuditEvent::kind, AuditEvent::at)
                .containsExactly(tuple("ESCALATED", 300_000L), tuple("ESCALATED", 600_000L));

        String id = alerts.get(1).incidentId();
        h.acknowledge(new Acknowledgement(id, "duty-1", 650_000, "on my way", "http 127.0.0.1"));
        h.acknowledge(new Acknowledgement(id, "duty-2", 660_000, "again", "mqtt vigil/ack/" + id));
        h.acknowledge(new Acknowledgement(RULE + ":gauge-1:water_level:999", "duty-1", 660_000, "", "http"));
        assertThat(h.extractOutputValues()).hasSize(5);
        Alert acked = h.extractOutputValues().get(4);
        assertThat(acked).extracting(Alert::phase, Alert::acknowledgedBy, Alert::escalation)
                .containsExactly(Phase.ALARM, "duty-1", 2);
        assertThat(h.audit()).last().isEqualTo(new AuditEvent("ACKNOWLEDGED", id, "duty-1", 650_000, "http 127.0.0.1",
                "on my way"));
        assertThat(h.numProcessingTimeTimers()).as("no escalation after an acknowledgement").isZero();

        h.setProcessingTime(20 * 60_000);
        feed(h, 13, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0);
        IncidentReport report = h.extractOutputValues().get(h.extractOutputValues().size() - 1).report();
        assertThat(report.acknowledgedBy()).isEqualTo("duty-1");
        assertThat(report.acknowledgedAt()).isEqualTo(650_000L);
        assertThat(report.timeToAcknowledgeMs()).isEqualTo(650_000L - 12_000L);
    }

    @Test
    void aSilentDeviceIsOfflineAndBackOnlineAsOneIncident() throws Exception {
        Rule offline = new Rule("device-offline", "water_level", Glob.ANY, Glob.ANY, new NoData(Duration.ofSeconds(10), 2),
                "major", "{device} offline", "no reading from {device}");
        RuleSet rules = RuleSet.of(offline);
        SeriesHarness h = new SeriesHarness(rules);
        h.setProcessingTime(0);
        h.processElement(in("device-offline", 0, 3.0), 0);
        h.processWatermark(0);
        h.setProcessingTime(20_000); // the whole site is silent: the watermark does not move
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::eventTime, Alert::severity)
                .containsExactly(tuple(Phase.ALARM, 20_000L, "major"));

        h.processElement(in("device-offline", 60_000, 3.0), 60_000);
        h.processWatermark(60_000);
        assertThat(h.extractOutputValues()).extracting(Alert::phase, Alert::incidentId).containsExactly(
                tuple(Phase.ALARM, "device-offline:gauge-1:water_level:20000"),
                tuple(Phase.RECOVERING, "device-offline:gauge-1:water_level:20000"),
                tuple(Phase.CLOSED, "device-offline:gauge-1:water_level:20000"));
    }

    static SeriesHarness chain() throws Exception {
        return new SeriesHarness(RULES);
    }

    static void feed(SeriesHarness h, double... values) throws Exception {
        feed(h, 0, values);
    }

    static void feed(SeriesHarness h, int fromSecond, double... values) throws Exception {
        for (int i = 0; i < values.length; i++) {
            long t = (fromSecond + i) * 1000L;
            h.processElement(in(RULE, t, values[i]), t);
            h.processWatermark(t);
        }
    }

    static Reading in(String rule, long t, double value) {
        return new Reading("gauge-1", "delta", "river-north", "water_level", value, "m", t, t, Protocol.MQTT);
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}

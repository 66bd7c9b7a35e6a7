package io.vigil.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The end-to-end benchmark's summary as plain-text tables, one row per phase. */
public final class E2eReportTable {
    private E2eReportTable() {}

    public static String format(E2eBench.Report report) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %7s %7s %9s %9s %7s %6s %8s %-9s%n", "phase",
                "offered/s", "achieved", "sent", "acked", "failed", "no-ans", "in-kafka", "stored", "missing", "dead",
                "lag-ms", "sustained"));
        for (PhaseResult p : report.phases()) {
            s.append(String.format(Locale.ROOT, "%-8s %9.0f %9.0f %9d %9d %7d %7d %9d %9d %7d %6d %8d %-9s%n", p.name(),
                    p.offeredPerSecond(), p.achievedPerSecond(), p.sent(), p.acknowledged(), p.failed(),
                    p.unanswered(), p.inKafka(), p.stored(),
                    p.missing(), p.deadLetters(), p.storeLagMillis(), p.sustained(report.maxStoreLagMillis()) ? "yes" : "no"));
        }
        s.append(System.lineSeparator()).append("CPU % of one core (200 % = this 2-core machine) / RSS MB per process")
                .append(System.lineSeparator());
        List<String> names = new ArrayList<>();
        report.phases().forEach(p -> p.load().forEach(l -> {
            if (!names.contains(l.process())) {
                names.add(l.process());
            }
        }));
        s.append(String.format(Locale.ROOT, "%-8s %9s", "phase", "offered/s"));
        names.forEach(n -> s.append(String.format(Locale.ROOT, " %16s", n)));
        s.append(System.lineSeparator());
        for (PhaseResult p : report.phases()) {
            s.append(String.format(Locale.ROOT, "%-8s %9.0f", p.name(), p.offeredPerSecond()));
            for (String n : names) {
                s.append(p.load().stream().filter(l -> l.process().equals(n)).findFirst()
                        .map(l -> String.format(Locale.ROOT, " %9.0f%%/%5d", l.cpuPercent(), l.rssMb()))
                        .orElse(String.format(Locale.ROOT, " %16s", "-")));
            }
            s.append(System.lineSeparator());
        }
        s.append(System.lineSeparator());
        s.append(String.format(Locale.ROOT, "highest sustained loss-free rate: %.0f readings/s%n",
                report.highestSustainedRate()));
        AlertLatency l = report.latency();
        if (l != null) {
            s.append(String.format(Locale.ROOT, "alert latency at %.0f readings/s, gateway receive time of the reading"
                    + " behind each incident transition → the alert on each channel:%n", report.latencyRate()));
            s.append(String.format(Locale.ROOT, "  on MQTT vigil/alerts/# (what duty officers get; arrival at a"
                    + " subscriber; %d alerts, %d matched to their reading): %s%n", l.mqttAlerts(), l.mqttMatched(),
                    figures(l.onMqtt())));
            s.append(String.format(Locale.ROOT, "  Kafka vigil.alerts (%d transitions, %d matched to their reading):%n",
                    l.alerts(), l.matched()));
            s.append(String.format(Locale.ROOT, "    appended (LogAppendTime, inside the open transaction): %s%n",
                    figures(l.appended())));
            s.append(String.format(Locale.ROOT, "    visible (read_committed consumer arrival, after the checkpoint):"
                    + " %s%n", figures(l.visible())));
        }
        s.append("load average after each phase: ").append(report.loadAverage()).append(System.lineSeparator());
        s.append("data, logs").append(" and flight recordings (if any): ").append(report.workDir())
                .append(System.lineSeparator());
        return s.toString();
    }

    private static String figures(AlertLatency.Percentiles p) {
        return p.max() < 0 ? "no samples"
                : String.format(Locale.ROOT, "p50 %d ms, p99 %d ms, max %d ms", p.p50(), p.p99(), p.max());
    }
}

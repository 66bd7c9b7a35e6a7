package io.vigil.app;

import io.vigil.app.incidents.IncidentHistory;
import io.vigil.app.incidents.IncidentPoint;
import io.vigil.app.incidents.IncidentReportFields;
import io.vigil.common.incident.HumanDurations;
import io.vigil.common.incident.IncidentReport;
import io.vigil.common.serde.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Reads incidents and their post-event reports back from InfluxDB, where the job writes every transition. */
@Command(name = "incidents", mixinStandardHelpOptions = true,
        description = "Lists incidents and shows one incident's timeline and post-event report (from InfluxDB).",
        subcommands = {IncidentsCommand.ListIncidents.class, IncidentsCommand.ShowIncident.class})
final class IncidentsCommand {
    static final int NOT_FOUND = 2;

    static final class InfluxOptions {
        @Option(names = "--influx-url", defaultValue = "http://127.0.0.1:8086",
                description = "InfluxDB HTTP API (default ${DEFAULT-VALUE}).") String url;
        @Option(names = "--influx-db", defaultValue = "vigil",
                description = "InfluxDB database (default ${DEFAULT-VALUE}).") String database;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per incident, newest last.")
    static final class ListIncidents implements Callable<Integer> {
        @Mixin InfluxOptions influx;
        @Spec CommandSpec spec;
        @Option(names = "--open", description = "Only incidents not CLOSED yet.") boolean open;
        @Option(names = "--since", defaultValue = "24h", converter = DurationConverter.class,
                description = "How far back (default ${DEFAULT-VALUE}).") Duration since;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, IncidentPoint[]> incidents = new LinkedHashMap<>(); // id -> first, last transition
            try (IncidentHistory history = new IncidentHistory(influx.url, influx.database)) {
                for (IncidentPoint p : history.since(since)) {
                    incidents.computeIfAbsent(p.incident(), id -> new IncidentPoint[] {p, p})[1] = p;
                }
            }
            String format = "%-24s %-12s %-24s %-12s %-16s %-9s %s%n";
            out.printf(format, "SINCE", "PHASE", "RULE", "ZONE", "DEVICE", "SEVERITY", "INCIDENT");
            int shown = 0;
            for (IncidentPoint[] firstLast : incidents.values()) {
                IncidentPoint last = firstLast[1];
                if (open && "CLOSED".equals(last.phase())) {
                    continue;
                }
                out.printf(format, Instant.ofEpochMilli(firstLast[0].time()), last.phase(), last.rule(), last.zone(),
                        last.device(), last.severity(), last.incident());
                shown++;
            }
            out.printf("%d incident(s)%s in the last %s%n", shown, open ? " open" : "",
                    HumanDurations.format(since.toMillis()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The phase timeline and, once CLOSED, the post-event report of one incident.")
    static final class ShowIncident implements Callable<Integer> {
        @Mixin InfluxOptions influx;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID", description = "Incident id, as in the alert.") String id;
        @Option(names = "--json", description = "Print the post-event report as JSON.") boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<IncidentPoint> timeline;
            try (IncidentHistory history = new IncidentHistory(influx.url, influx.database)) {
                timeline = history.of(id);
            }
            if (timeline.isEmpty()) {
                err.printf("no incident %s in %s database %s%n", id, influx.url, influx.database);
                err.flush();
                return NOT_FOUND;
            }
            IncidentReport report = timeline.stream().map(IncidentReportFields::of)
                    .filter(r -> r != null).reduce((a, b) -> b).orElse(null);
            if (json) {
                if (report == null) {
                    err.printf("incident %s has no report yet: it is %s%n", id, timeline.get(timeline.size() - 1).phase());
                    err.flush();
                    return NOT_FOUND;
                }
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
                out.flush();
                return 0;
            }
            printText(out, timeline, report);
            out.flush();
            return 0;
        }

        private void printText(PrintWriter out, List<IncidentPoint> timeline, IncidentReport report) {
            IncidentPoint first = timeline.get(0);
            out.printf("incident %s%nrule     %s%nzone     %s%ndevice   %s%n%ntimeline%n", id, first.rule(),
                    first.zone(), first.device());
            for (IncidentPoint p : timeline) {
                out.printf("  %-24s %-12s value %-10s limit %-10s %-9s %s%n", Instant.ofEpochMilli(p.time()), p.phase(),
                        number(p.value()), number(p.limit()), p.severity() == null ? "" : p.severity(),
                        p.summary() == null ? "" : p.summary());
            }
            out.println();
            if (report == null) {
                out.printf("no post-event report yet: the incident is %s%n", timeline.get(timeline.size() - 1).phase());
                return;
            }
            out.println("post-event report");
            line(out, "subject", report.subject());
            line(out, "site", report.site());
            line(out, "department", report.department());
            line(out, "devices", String.join(", ", report.devices()));
            line(out, "started", time(report.startedAt()));
            line(out, "first pre-warning", time(report.firstPreWarningAt()));
            line(out, "alarm", time(report.alarmAt()));
            line(out, "lead time", duration(report.leadTimeMs()));
            line(out, "peak", number(report.peakValue()) + " at " + time(report.peakAt()));
            line(out, "closed", time(report.closedAt()));
            line(out, "duration", duration(report.durationMs()));
            line(out, "acknowledged by", report.acknowledgedBy() == null ? "nobody" : report.acknowledgedBy());
            line(out, "acknowledged", time(report.acknowledgedAt()));
            line(out, "time to acknowledge", duration(report.timeToAcknowledgeMs()));
            line(out, "readings", String.valueOf(report.readings()));
        }

        private static void line(PrintWriter out, String name, String value) {
            out.printf("  %-20s %s%n", name + ":", value == null || value.isEmpty() ? "-" : value);
        }

        private static String time(Long epochMs) {
            return epochMs == null ? "-" : Instant.ofEpochMilli(epochMs).toString();
        }

        private static String duration(Long ms) {
            return ms == null ? "-" : HumanDurations.format(ms);
        }

        private static String number(Double v) {
            return v == null || v.isNaN() ? "-" : String.format("%.2f", v);
        }
    }
}

package io.vigil.app;

import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.job.rfid.PresenceSettings;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import io.vigil.sim.rfid.ReadNoise;
import io.vigil.sim.rfid.RfidScenario;
import io.vigil.tools.evaluate.MusterScore;
import io.vigil.tools.evaluate.RfidEvaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "evaluate-rfid", mixinStandardHelpOptions = true,
        description = {"Runs the RFID scenarios' simulated reads (with reader noise) through the RFID pipeline in",
                "event time and scores them against their truth: occupancy error per zone (sampled every second)",
                "and the delay from each situation's true start to its first warning; for an evacuation, the",
                "muster against who was truly inside and when they truly arrived. See docs/benchmarks.md."})
final class EvaluateRfidCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Spec
    CommandSpec spec;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "Scenarios, comma-separated (default: all of ${DEFAULT-VALUE}).",
            defaultValue = "crowd,intrusion,missing-asset,evacuation,hazmat,dwell")
    List<String> scenarios;

    @Option(names = "--seed", defaultValue = "42", description = "Scenario seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--site", paramLabel = "FILE", description = "Site file (default config/site.yaml in the checkout).")
    Path site;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Readings rules that judge a scenario's trigger sensor (default config/rules.yaml in the checkout).")
    Path rules;

    @Option(names = "--no-noise", description = "Ideal readers: no misses, duplicates or cross-reads.")
    boolean noNoise;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String s : scenarios) {
            if (!RfidScenario.NAMES.contains(s)) {
                spec.commandLine().getErr().println("evaluate-rfid: unknown scenario '" + s + "'; known: "
                        + String.join(", ", RfidScenario.NAMES));
                return 2;
            }
        }
        Path file = site != null ? site : vigil.root().resolve("config/site.yaml");
        Site siteModel = SiteLoader.load(file);
        RuleSet ruleSet = RulesLoader.load(rules != null ? rules : vigil.root().resolve("config/rules.yaml"));
        ReadNoise noise = noNoise ? ReadNoise.none() : ReadNoise.defaults();
        PresenceSettings presence = PresenceSettings.defaults();
        out.printf(Locale.ROOT, "evaluate-rfid: site %s, seed %d, noise %s, presence %s%n", file, seed, noise, presence);
        out.printf(Locale.ROOT, "%-14s %5s %7s %8s %7s  %-22s %9s %9s %8s  %s%n", "scenario", "tags", "reads",
                "occ MAE", "occ max", "situation", "true at", "warned at", "delay", "first warning");
        for (String name : scenarios) {
            long started = System.nanoTime();
            RfidEvaluation.ScenarioScore s = RfidEvaluation.run(name, seed, siteModel, noise, presence, 1,
                    ruleSet);
            boolean first = true;
            for (RfidEvaluation.SituationScore sit : s.situations()) {
                out.printf(Locale.ROOT, "%-14s %5s %7s %8s %7s  %-22s %8.1fs %9s %8s  %s%n",
                        first ? name : "", first ? s.tags() : "", first ? s.reads() : "",
                        first ? String.format(Locale.ROOT, "%.2f", s.occupancyMae()) : "",
                        first ? s.occupancyMaxError() : "", sit.situation().kind() + " " + sit.situation().zone(),
                        sit.situation().startMs() / 1000.0,
                        sit.warnedAtMs() == null ? "none" : String.format(Locale.ROOT, "%.1fs", sit.warnedAtMs() / 1000.0),
                        sit.delayMs() == null ? "-" : String.format(Locale.ROOT, "%+.1fs", sit.delayMs() / 1000.0),
                        sit.phase());
                first = false;
            }
            if (s.muster() != null) {
                printMuster(out, s.muster());
            }
            out.printf(Locale.ROOT, "%-14s %d alerts in %.1f s%n", "", s.alerts().size(),
                    (System.nanoTime() - started) / 1e9);
        }
        out.flush();
        return 0;
    }

    private static void printMuster(PrintWriter out, MusterScore m) {
        out.printf(Locale.ROOT, "%-14s muster: trigger truly at %.1fs, its ALARM at %s, muster opened at %s (%s after"
                        + " it) listing %d of %d inside%n", "", m.trueTriggerMs() / 1000.0, seconds(m.triggerAtMs()),
                seconds(m.openedAtMs()), signed(m.openDelayMs()), m.listed(), m.expected());
        out.printf(Locale.ROOT, "%-14s muster: last person truly at the assembly point at %s, muster closed at %s (%s"
                        + " after), report %s%n", "", m.lastArrivalMs() < 0 ? "never" : seconds(m.lastArrivalMs()),
                seconds(m.closedAtMs()), signed(m.closeDelayMs()),
                m.reportComplete() ? "lists everyone inside" : "INCOMPLETE");
    }

    private static String seconds(Long ms) {
        return ms == null ? "none" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static String signed(Long ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%+.1fs", ms / 1000.0);
    }
}

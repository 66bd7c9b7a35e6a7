package io.vigil.app;

import io.vigil.app.evaluate.RfidEvaluation;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.job.rfid.PresenceSettings;
import io.vigil.sim.rfid.ReadNoise;
import io.vigil.sim.rfid.RfidScenario;
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
                "and the delay from each situation's true start to its first warning. See docs/benchmarks.md."})
final class EvaluateRfidCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Spec
    CommandSpec spec;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "Scenarios, comma-separated (default: all of ${DEFAULT-VALUE}).",
            defaultValue = "crowd,intrusion,missing-asset,evacuation")
    List<String> scenarios;

    @Option(names = "--seed", defaultValue = "42", description = "Scenario seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--site", paramLabel = "FILE", description = "Site file (default config/site.yaml in the checkout).")
    Path site;

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
        ReadNoise noise = noNoise ? ReadNoise.none() : ReadNoise.defaults();
        PresenceSettings presence = PresenceSettings.defaults();
        out.printf(Locale.ROOT, "evaluate-rfid: site %s, seed %d, noise %s, presence %s%n", file, seed, noise, presence);
        out.printf(Locale.ROOT, "%-14s %5s %7s %8s %7s  %-22s %9s %9s %8s  %s%n", "scenario", "tags", "reads",
                "occ MAE", "occ max", "situation", "true at", "warned at", "delay", "first warning");
        for (String name : scenarios) {
            long started = System.nanoTime();
            RfidEvaluation.ScenarioScore s = RfidEvaluation.run(name, seed, siteModel, noise, presence, 1);
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
            out.printf(Locale.ROOT, "%-14s %d alerts in %.1f s%n", "", s.alerts().size(),
                    (System.nanoTime() - started) / 1e9);
        }
        out.flush();
        return 0;
    }
}

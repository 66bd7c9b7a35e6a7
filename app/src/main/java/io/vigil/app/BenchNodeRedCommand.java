package io.vigil.app;

import io.vigil.app.bench.NodeRedBench;
import io.vigil.app.bench.NodeRedFlow.Variant;
import io.vigil.app.bench.NodeRedInstall;
import io.vigil.app.bench.RateLadder;
import io.vigil.app.bench.RateStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Options left out keep {@link NodeRedBench.Config#defaults}: defaults live there only. */
@Command(name = "nodered", mixinStandardHelpOptions = true,
        description = {"A Node-RED peer on the same load.",
                "Node-RED (" + NodeRedInstall.NODE_RED + ", " + NodeRedInstall.INFLUXDB_NODES + ", Node.js "
                        + NodeRedInstall.NODE_RUNTIME_VERSION + ", installed",
                "from npm on first use into $VIGIL_HOME/cache/node-red) runs mqtt-in -> threshold function ->",
                "influxdb-out on 127.0.0.1, loaded by the same Simulator as bench broker; points and threshold",
                "alerts are counted in InfluxDB. Steps the rate up for each flow variant (per-message, batched)",
                "and prints the highest loss-free rate of each."})
final class BenchNodeRedCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Option(names = "--variants", split = ",", paramLabel = "VARIANT",
            description = "Flows to run: ${COMPLETION-CANDIDATES} (default both).") List<Variant> variants;

    @Mixin
    RateLadderOptions load;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("vigil-bench-nodered-");
        NodeRedBench.Config d = NodeRedBench.Config.defaults(dir, bench.vigil.home().resolve("cache/node-red"));
        NodeRedBench.Config c = new NodeRedBench.Config(dir, d.cacheRoot(), variants != null ? variants : d.variants(),
                load.rates(d.rates()), load.step(d.step()), load.devices(d.devices()),
                load.connections(d.connections()), load.drain(d.drainGrace()), load.publishers(d.publishers()));
        Map<Variant, List<RateStep>> results = NodeRedBench.run(c, System.out);
        boolean any = false;
        for (Map.Entry<Variant, List<RateStep>> e : results.entrySet()) {
            System.out.println(RateLadder.summary("bench nodered " + e.getKey(), e.getValue()));
            any |= RateLadder.best(e.getValue()).isPresent();
        }
        System.out.println("bench nodered: load average " + Files.readString(Path.of("/proc/loadavg")).trim()
                + "; work dir " + dir);
        return any ? 0 : 1;
    }
}

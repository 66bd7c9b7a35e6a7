package io.vigil.app;

import io.vigil.app.bench.BrokerBench;
import io.vigil.app.bench.RateLadder;
import io.vigil.app.bench.RateStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** Options left out keep {@link BrokerBench.Config#defaults}: defaults live there only. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"The raw broker limit on this machine.",
                "The rate Mosquitto (Vigil's broker config) passes QoS 1 readings (vigil/readings/{device}, plain",
                "JSON) from the Simulator to one lean subscriber (mosquitto_sub), counted at the subscriber. Steps",
                "the rate up (default 5k..80k/s, 10 s each), stops at the first step that loses anything or once",
                "the publisher is saturated, and prints the highest loss-free rate."})
final class BenchBrokerCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Mixin
    RateLadderOptions load;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("vigil-bench-broker-");
        BrokerBench.Config d = BrokerBench.Config.defaults(dir);
        BrokerBench.Config c = new BrokerBench.Config(dir, load.rates(d.rates()), load.step(d.step()),
                load.devices(d.devices()), load.connections(d.connections()), load.drain(d.drainGrace()),
                load.publishers(d.publishers()));
        List<RateStep> steps = BrokerBench.run(c, System.out);
        System.out.println(RateLadder.summary("bench broker", steps));
        System.out.println("bench broker: load average " + Files.readString(Path.of("/proc/loadavg")).trim()
                + "; work dir " + dir);
        return RateLadder.best(steps).isPresent() ? 0 : 1;
    }
}

package io.vigil.app.bench;

import io.vigil.common.Topics;
import io.vigil.stack.FreePorts;
import io.vigil.stack.MosquittoServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The raw broker limit: the rate at which Mosquitto (configured as Vigil's stack runs it, queue limits raised) passes
 * QoS 1 readings from the Simulator to one lean subscriber on this machine, the ceiling any pipeline behind an MQTT
 * broker here works under. Every message is counted at the subscriber.
 */
public final class BrokerBench {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    /**
     * @param dir          work directory (broker data and logs)
     * @param rates        offered rates to step through, readings/s
     * @param step         how long each step publishes
     * @param devices      fleet size
     * @param connections  publisher MQTT connections
     * @param drainGrace   how long after the last PUBACK the subscriber may take to count everything
     * @param publishers   publishing processes ({@link PublisherFleet}), each with {@code connections} connections
     */
    public record Config(Path dir, List<Double> rates, Duration step, int devices, int connections, Duration drainGrace,
                         int publishers) {
        public static Config defaults(Path dir) {
            return new Config(dir, List.of(5_000.0, 10_000.0, 20_000.0, 30_000.0, 40_000.0, 50_000.0, 60_000.0, 80_000.0),
                    Duration.ofSeconds(10), 1_000, 4, Duration.ofSeconds(5), 1);
        }

        public Config validate() {
            if (rates.isEmpty() || rates.stream().anyMatch(r -> !(r > 0))) {
                throw new IllegalArgumentException("rates must be positive, got " + rates);
            }
            if (drainGrace.isNegative()) {
                throw new IllegalArgumentException("drain grace must not be negative, got " + drainGrace);
            }
            return this;
        }
    }

    private BrokerBench() {}

    public static List<RateStep> run(Config config, PrintStream out) throws Exception {
        config.validate();
        try (MosquittoServer broker = new MosquittoServer(config.dir().resolve("mosquitto"), FreePorts.tcp())) {
            broker.start();
            BenchLoad load = new BenchLoad(broker.url(), config.devices(), config.connections(), config.step(),
                    config.publishers(), config.dir().resolve("publishers"));
            try (LeanSubscriber subscriber = LeanSubscriber.start(broker.port(), Topics.MQTT_READINGS_PREFIX + "+",
                    config.dir().resolve("mosquitto_sub.log"))) {
                awaitSubscribed(load, subscriber);
                out.println("bench broker: mosquitto " + broker.url() + " (pid " + broker.pid()
                        + "), subscriber mosquitto_sub QoS 1, publishers: " + config.publishers()
                        + " Simulator processes with " + config.connections() + " connections each, "
                        + config.devices() + " devices, " + config.step().toSeconds() + " s steps");
                return RateLadder.climb(config.rates(), rate -> step(load, subscriber, broker.pid(), rate, config.drainGrace()), out);
            }
        }
    }

    private static RateStep step(BenchLoad load, LeanSubscriber subscriber, long brokerPid, double rate, Duration grace)
            throws Exception {
        long before = subscriber.messages();
        CpuMeter broker = CpuMeter.start(brokerPid);
        Published p = load.publish(rate);
        long[] last = new long[1];
        Duration drained = Drain.await(p.acknowledged(), () -> subscriber.messages() - before,
                grace.plus(RateStep.LATE), last);
        double cores = broker.cores();
        if (drained != null) {
            // anything beyond the acknowledged count would be a duplicate: give it a moment to show up
            Drain.await(Long.MAX_VALUE, () -> subscriber.messages() - before, Duration.ofMillis(200), last);
        }
        return new RateStep(rate, p, last[0], drained, grace, -1, subscriber.isAlive() ? null : "the subscriber exited",
                cores);
    }

    /** Probes until the subscriber counts one: its subscription is in place before load starts. */
    private static void awaitSubscribed(BenchLoad load, LeanSubscriber subscriber) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        long probes = 0;
        while (subscriber.messages() == 0) {
            if (!subscriber.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("mosquitto_sub did not receive a probe reading within " + READY_TIMEOUT);
            }
            load.probe(System.currentTimeMillis());
            probes++;
            Drain.await(1, subscriber::messages, Duration.ofMillis(500), new long[1]);
        }
        // a probe sent before the subscription took hold is never delivered; one sent after it may still be on its way
        Drain.await(probes, subscriber::messages, Duration.ofSeconds(1), new long[1]);
    }
}

package io.vigil.app.bench;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.MQTT;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.app.bench.NodeRedFlow.Variant;
import io.vigil.common.serde.Json;
import io.vigil.stack.FreePorts;
import io.vigil.stack.InfluxServer;
import io.vigil.stack.LocalStack;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The peer: Node-RED from npm running {@link NodeRedFlow} between Vigil's Mosquitto and InfluxDB, loaded by the same
 * Simulator as the broker bench. A step is loss-free when every acknowledged reading is a point in InfluxDB within the
 * drain grace, and every stored reading over the limit has its threshold alert.
 */
public final class NodeRedBench {
    public static final String DATABASE = "nodered";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param dir        work directory (broker, InfluxDB, Node-RED user dir and logs)
     * @param cacheRoot  where Node-RED is installed from npm on first use
     * @param variants   flows to run, one after the other, each with a fresh Node-RED
     * @param rates      offered rates to step through, readings/s
     * @param step       how long each step publishes
     * @param devices    fleet size
     * @param connections publisher MQTT connections
     * @param drainGrace how long after the last PUBACK InfluxDB may take to hold every point
     * @param publishers publishing processes ({@link PublisherFleet}), each with {@code connections} connections
     */
    public record Config(Path dir, Path cacheRoot, List<Variant> variants, List<Double> rates, Duration step,
                         int devices, int connections, Duration drainGrace, int publishers) {
        public static Config defaults(Path dir, Path cacheRoot) {
            return new Config(dir, cacheRoot, List.of(Variant.PER_MESSAGE, Variant.BATCHED),
                    List.of(100.0, 250.0, 500.0, 1_000.0, 2_000.0, 3_000.0, 4_000.0, 5_000.0, 7_500.0, 10_000.0, 15_000.0),
                    Duration.ofSeconds(10), 1_000, 4, Duration.ofSeconds(5), 1);
        }

        public Config validate() {
            if (variants.isEmpty()) {
                throw new IllegalArgumentException("name at least one flow variant");
            }
            if (rates.isEmpty() || rates.stream().anyMatch(r -> !(r > 0))) {
                throw new IllegalArgumentException("rates must be positive, got " + rates);
            }
            if (drainGrace.isNegative()) {
                throw new IllegalArgumentException("drain grace must not be negative, got " + drainGrace);
            }
            return this;
        }
    }

    private NodeRedBench() {}

    public static Map<Variant, List<RateStep>> run(Config config, PrintStream out) throws Exception {
        config.validate();
        out.println("bench nodered: installing or reusing " + NodeRedInstall.NODE_RED + " under " + config.cacheRoot());
        NodeRedInstall install = NodeRedInstall.ensure(config.cacheRoot());
        Map<Variant, List<RateStep>> results = new LinkedHashMap<>();
        try (LocalStack stack = LocalStack.onFreePorts(config.dir().resolve("stack"), MQTT, INFLUX).start()) {
            stack.influx.createDatabase(DATABASE);
            BenchLoad load = new BenchLoad(stack.mosquitto.url(), config.devices(), config.connections(), config.step(),
                    config.publishers(), config.dir().resolve("publishers"));
            for (Variant variant : config.variants()) {
                try (NodeRedServer nodeRed = new NodeRedServer(config.dir().resolve("node-red-" + variant.name().toLowerCase(Locale.ROOT)),
                        install, FreePorts.tcp(), NodeRedFlow.flows(variant, stack.mosquitto.port(), stack.influx.port(), DATABASE))) {
                    nodeRed.start();
                    awaitFlowWorking(load, stack.influx, nodeRed);
                    out.println("bench nodered: " + variant + " flow, Node-RED pid " + nodeRed.pid() + ", mosquitto "
                            + stack.mosquitto.url() + ", influxdb " + stack.influx.url() + ", publishers: " + config.publishers()
                            + " Simulator processes with " + config.connections() + " connections each, " + config.devices() + " devices, "
                            + config.step().toSeconds() + " s steps");
                    results.put(variant, RateLadder.climb(config.rates(),
                            rate -> step(load, stack.influx, nodeRed.pid(), rate, config.drainGrace()), out));
                }
            }
        }
        return results;
    }

    private static RateStep step(BenchLoad load, InfluxServer influx, long nodeRedPid, double rate, Duration grace)
            throws Exception {
        CpuMeter nodeRed = CpuMeter.start(nodeRedPid);
        Published p = load.publish(rate);
        String window = "time >= " + p.firstEventTime() + "ms AND time <= " + p.lastEventTime() + "ms";
        long[] last = new long[1];
        Duration drained = Drain.await(p.acknowledged(),
                () -> count(influx, "SELECT count(value) FROM " + NodeRedFlow.READINGS_MEASUREMENT + " WHERE " + window),
                grace.plus(RateStep.LATE), last);
        double cores = nodeRed.cores();
        long over = count(influx, "SELECT count(value) FROM " + NodeRedFlow.READINGS_MEASUREMENT + " WHERE value > "
                + NodeRedFlow.LIMIT + " AND " + window);
        long alerts = count(influx, "SELECT count(value) FROM " + NodeRedFlow.ALERTS_MEASUREMENT + " WHERE " + window);
        String check = alerts == over ? null : alerts + " threshold alerts for " + over + " stored readings over the limit";
        return new RateStep(rate, p, last[0], drained, grace, alerts, check, cores);
    }

    /** Probes until a probe reading is a point in InfluxDB: Node-RED is subscribed and writing. */
    private static void awaitFlowWorking(BenchLoad load, InfluxServer influx, NodeRedServer nodeRed) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String probes = "SELECT count(value) FROM " + NodeRedFlow.READINGS_MEASUREMENT + " WHERE device = '"
                + BenchLoad.PROBE_DEVICE + "'";
        while (count(influx, probes) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no probe reading reached InfluxDB through Node-RED within " + READY_TIMEOUT + "; see "
                        + nodeRed.logFile() + ":\n" + tail(nodeRed.logFile()));
            }
            load.probe(System.currentTimeMillis());
            Drain.await(1, () -> count(influx, probes), Duration.ofSeconds(1), new long[1]);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** The single number an InfluxQL {@code count} answers, 0 when nothing matched. */
    static long count(InfluxServer influx, String influxQl) {
        try {
            JsonNode result = Json.mapper().readTree(influx.query(DATABASE, influxQl)).path("results").path(0);
            if (result.has("error")) {
                throw new IOException("InfluxDB: " + result.get("error").asText() + " for " + influxQl);
            }
            return result.path("series").path(0).path("values").path(0).path(1).asLong(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting points", e);
        }
    }
}

package io.vigil.app.bench;

import io.vigil.sim.DeviceCredentials;
import io.vigil.sim.FleetSlice;
import io.vigil.sim.Simulator;
import io.vigil.sim.SimulatorConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One publishing process of a {@link PublisherFleet}: the composition root of a child JVM that connects the devices
 * of its fleet slice (each logged in as itself when credentials are given), says {@link #READY}, waits for
 * {@code start <epochMillis>} on stdin, sends its share of the schedule and reports its counts on stdout.
 *
 * <p>Protocol (stdout, one line each): {@link #READY}; {@link #PROGRESS} every second; finally {@link #COUNTS} or
 * {@link #FAILED}. Exit status 0 only after a counts line.
 */
public final class PublisherWorker {
    static final String READY = "publisher-worker: ready";
    static final String PROGRESS = "publisher-worker: progress ";
    static final String COUNTS = "publisher-worker: counts ";
    static final String FAILED = "publisher-worker: failed ";
    /** How long after its last scheduled reading a worker waits for the answers still outstanding. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(60);

    /**
     * @param fleet           the whole fleet's run (rate, duration, scenario, addresses); no credentials in it
     * @param credentialsFile per-device secrets (null: anonymous, devices share {@code fleet.mqttConnections()})
     * @param slice           the devices this worker owns
     */
    record Config(SimulatorConfig fleet, Path credentialsFile, FleetSlice slice) {
        /** {@code key=value} arguments, as {@link PublisherFleet} writes them. */
        static Config parse(String[] args) {
            Map<String, String> a = new LinkedHashMap<>();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("expected key=value, got " + arg);
                }
                a.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
            SimulatorConfig fleet = SimulatorConfig.defaults()
                    .withMqttUrl(a.get("mqtt-url"))
                    .withCoapUri(a.get("coap-uri"))
                    .withDevices(Integer.parseInt(req(a, "devices")))
                    .withCoapShare(Double.parseDouble(req(a, "coap-share")))
                    .withRatePerSecond(Double.parseDouble(req(a, "rate")))
                    .withDuration(Duration.ofMillis(Long.parseLong(req(a, "duration-ms"))))
                    .withSeed(Long.parseLong(req(a, "seed")))
                    .withScenario(req(a, "scenario"))
                    .withDeviceIdPrefix(req(a, "device-prefix"))
                    .withTimeScale(Double.parseDouble(req(a, "time-scale")))
                    .withPayloadFormat(io.vigil.sim.PayloadFormat.valueOf(req(a, "payload-format")))
                    .withMqttConnections(Integer.parseInt(req(a, "mqtt-connections")))
                    .withProgressEvery(Duration.ofHours(1));
            String credentials = a.get("credentials");
            return new Config(fleet, credentials == null ? null : Path.of(credentials),
                    new FleetSlice(Integer.parseInt(req(a, "from")), Integer.parseInt(req(a, "to"))));
        }

        /** The arguments {@link #parse} reads back. */
        List<String> args() {
            List<String> args = new ArrayList<>();
            add(args, "mqtt-url", fleet.mqttUrl());
            add(args, "coap-uri", fleet.coapUri());
            add(args, "devices", fleet.devices());
            add(args, "coap-share", fleet.coapShare());
            add(args, "rate", fleet.ratePerSecond());
            add(args, "duration-ms", fleet.duration().toMillis());
            add(args, "seed", fleet.seed());
            add(args, "scenario", fleet.scenario());
            add(args, "device-prefix", fleet.deviceIdPrefix());
            add(args, "time-scale", fleet.timeScale());
            add(args, "payload-format", fleet.payloadFormat().name());
            add(args, "mqtt-connections", fleet.mqttConnections());
            add(args, "credentials", credentialsFile);
            add(args, "from", slice.from());
            add(args, "to", slice.to());
            return args;
        }

        private static void add(List<String> args, String key, Object value) {
            if (value != null) {
                args.add(key + "=" + value);
            }
        }

        private static String req(Map<String, String> a, String key) {
            String v = a.get(key);
            if (v == null) {
                throw new IllegalArgumentException("missing " + key + "=...");
            }
            return v;
        }
    }

    private PublisherWorker() {}

    public static void main(String[] args) {
        try {
            System.exit(run(Config.parse(args)));
        } catch (Exception | Error e) { // every way out says why, so the fleet can report it
            System.out.println(FAILED + oneLine(e));
            System.out.flush();
            System.exit(1);
        }
    }

    private static int run(Config config) throws Exception {
        SimulatorConfig fleet = config.credentialsFile() == null ? config.fleet()
                : config.fleet().withCredentials(DeviceCredentials.read(config.credentialsFile()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "publisher-progress");
            t.setDaemon(true);
            return t;
        });
        // the lean publisher: Paho's threads and per-message objects made the load generator the ceiling
        try (Simulator sim = Simulator.connect(fleet, config.slice(), null, true)) {
            System.out.println(READY);
            System.out.flush();
            String start = in.readLine();
            if (start == null || !start.startsWith("start ")) {
                throw new IllegalStateException("expected 'start <epochMillis>' on stdin, got " + start);
            }
            long startMillis = Long.parseLong(start.substring("start ".length()).trim());
            sim.startAt(startMillis);
            AtomicBoolean reported = new AtomicBoolean();
            // stopped early (SIGTERM: the bench gave up on a stalled phase): say at once what was sent and answered
            // so far, without waiting for the rest; the fleet counts it as unanswered, not as a lost worker
            Runtime.getRuntime().addShutdownHook(new Thread(() -> report(sim, reported, false), "publisher-stopped"));
            progress.scheduleAtFixedRate(() -> {
                System.out.println(PROGRESS + counts(sim, 0, ""));
                System.out.flush();
            }, 1, 1, TimeUnit.SECONDS);
            Duration wait = Duration.ofMillis(Math.max(0, startMillis - System.currentTimeMillis()))
                    .plus(fleet.duration()).plus(ANSWER_GRACE);
            sim.awaitCompletion(wait);
            progress.shutdownNow();
            report(sim, reported, true);
            return 0;
        } finally {
            progress.shutdownNow();
        }
    }

    /** Prints the counts line once, with the time of the last answer as now; {@code close} disconnects first. */
    private static void report(Simulator sim, AtomicBoolean reported, boolean close) {
        long lastAnswer = System.currentTimeMillis();
        if (reported.getAndSet(true)) {
            return;
        }
        if (close) {
            sim.close();
        }
        ProcessUsage self = ProcessUsage.of(ProcessHandle.current().pid());
        System.out.println(COUNTS + counts(sim, lastAnswer, self == null ? ""
                : " cpu-ticks=" + self.cpuTicks() + " rss-kb=" + self.rssKb()));
        System.out.flush();
    }

    /** Counts as {@code key=value} fields; a last failure, free text, always comes last. */
    private static String counts(Simulator sim, long lastAnswer, String usage) {
        String why = sim.lastFailure();
        return "sent=" + sim.sent() + " acknowledged=" + sim.acknowledged() + " failed=" + sim.failed()
                + " start=" + sim.startTime() + " end=" + lastAnswer + usage
                + (why == null ? "" : " last-failure=" + oneLine(why));
    }

    private static String oneLine(Object o) {
        return String.valueOf(o).replace('\n', ' ').replace('\r', ' ');
    }
}

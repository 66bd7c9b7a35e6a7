package io.vigil.app.bench;

import static io.vigil.stack.LocalStack.Server.ALERTMANAGER;
import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;

import io.vigil.app.ChildJvm;
import io.vigil.app.DemoAccess;
import io.vigil.common.Topics;
import io.vigil.job.series.SeriesEvaluator;
import io.vigil.sim.SimulatorConfig;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;

/**
 * The end-to-end benchmark: the whole stack on free loopback ports with security on as in the demo (Mosquitto
 * with raised queue limits, Kafka with several partitions, InfluxDB, Alertmanager), the gateway and the job as
 * child JVMs, and an authenticated simulated fleet (MQTT QoS 1 with a CoAPS share) driven from this JVM.
 *
 * <p>Phases run one after another, each a bounded count of readings: a warm-up, rising rates until one is not
 * sustained, then a latency phase at a fixed rate whose incident transitions are timed (last, so a backlog it
 * may leave behind does not count against a step). Every phase counts what each
 * stage holds instead of assuming it. Event times of one phase never overlap the next one's, so InfluxDB's count
 * over a phase's event times is that phase's.
 */
public final class E2eBench {
    /** Seconds of load a step holds beyond the drain: JIT, connections and Kafka batches settle in the warm-up. */
    private static final String DATABASE = "vigil";
    private static final Duration START_PATIENCE = Duration.ofMinutes(3);
    /** A stage that adds nothing for this long has stopped: what is missing by then is lost. */
    private static final Duration STALL = Duration.ofSeconds(20);
    private static final Duration MAX_DRAIN = Duration.ofMinutes(2);
    private static final String DEVICE_PREFIX = "gauge-"; // the fleet DemoAccess registers

    /**
     * @param workDir           servers' data, logs, secrets and flight recordings; a fresh directory per run
     * @param rulesFile         the job's rules
     * @param devices           simulated devices, each logged in as itself
     * @param coapShare         share of the devices posting over CoAPS (DTLS PSK) instead of MQTT
     * @param timeScale         scenario time per second: at 1440 the gauges' daily wobble takes a minute, so the
     *                          gauges near a limit cross it and clear again every minute and alerts keep coming
     * @param warmUpRate        readings/s of the warm-up phase (0: none)
     * @param warmUp            length of the warm-up phase
     * @param latencyRate       readings/s of the latency phase (0: none)
     * @param latencyFor        length of the latency phase
     * @param stepRates         rates of the stepped phases, ascending; stepping stops after the first not sustained
     * @param stepFor           length of each stepped phase
     * @param maxStoreLag       a phase whose points are not all in InfluxDB this long after its last acknowledgement
     *                          is not sustained
     * @param partitions        partitions of vigil.readings
     * @param gatewaySubscribers the gateway's MQTT connections in the shared subscription
     * @param jobParallelism    the job's parallelism
     * @param jobArgs           extra job options (e.g. --out-of-orderness 1s)
     * @param jfr               record a flight recording of the gateway and the job into {@code workDir/jfr}
     * @param publishers        publishing processes ({@link PublisherFleet}), each owning a slice of the devices
     */
    public record Config(Path workDir, Path rulesFile, int devices, double coapShare, double timeScale,
                         double warmUpRate, Duration warmUp, double latencyRate, Duration latencyFor,
                         List<Double> stepRates, Duration stepFor, Duration maxStoreLag, int partitions,
                         int gatewaySubscribers, int jobParallelism, List<String> jobArgs, boolean jfr,
                         int publishers) {
        public Config {
            stepRates = List.copyOf(stepRates);
            jobArgs = List.copyOf(jobArgs);
            if (devices < 1 || !(coapShare >= 0 && coapShare <= 1) || partitions < 1 || gatewaySubscribers < 1
                    || jobParallelism < 1 || !(timeScale > 0) || publishers < 1 || publishers > devices) {
                throw new IllegalArgumentException("bench e2e: devices, partitions, subscribers and parallelism must"
                        + " be at least 1, publishers 1..devices, the CoAP share within 0..1 and the time scale"
                        + " positive");
            }
            for (double rate : stepRates) {
                // InfluxDB keeps one point per series and millisecond: a device must not report twice in one
                if (rate / devices > 1000) {
                    throw new IllegalArgumentException("bench e2e: " + rate + " readings/s over " + devices
                            + " devices is more than one reading per device and millisecond; use more devices");
                }
            }
        }
    }

    /** Everything a run measured. */
    public record Report(List<PhaseResult> phases, AlertLatency latency, double latencyRate, long maxStoreLagMillis,
                         String loadAverage, Path workDir) {
        /** The highest offered rate of a sustained phase, 0 if none was. */
        public double highestSustainedRate() {
            return phases.stream().filter(p -> p.sustained(maxStoreLagMillis))
                    .mapToDouble(PhaseResult::offeredPerSecond).max().orElse(0);
        }
    }

    private final Config config;
    private final PrintStream out;

    public E2eBench(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public Report run() throws Exception {
        Path dir = config.workDir();
        DemoAccess access = DemoAccess.prepare(dir, config.devices(), null);
        List<ChildJvm> children = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Ctrl-C: stop the child JVMs too (the servers stop themselves on exit), clients before servers
        Thread stopChildren = new Thread(() -> children.forEach(ChildJvm::close), "bench-stop");
        Runtime.getRuntime().addShutdownHook(stopChildren);
        try (LocalStack stack = LocalStack.onFreePorts(dir.resolve("servers"), MQTT, INFLUX, KAFKA, ALERTMANAGER)) {
            try {
                return run(stack, access, children);
            } finally {
                // clients before servers (the stack closes after this): the gateway flushes into Kafka, the job
                // writes its flight recording on exit
                for (int i = children.size() - 1; i >= 0; i--) {
                    children.get(i).close();
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChildren);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private Report run(LocalStack stack, DemoAccess access, List<ChildJvm> children) throws Exception {
        Path dir = config.workDir();
        stack.mosquitto.withAccess(access.passwordFile, access.aclFile);
        stack.start();
        stack.kafka.createTopics(config.partitions(), Topics.READINGS);
        stack.kafka.createTopics(1, Topics.DEADLETTER, Topics.CONTROL, Topics.AUDIT);
        createAlertsTopic(stack);
        stack.influx.createDatabase(DATABASE);
        int coapsPort = FreePorts.udp();
        Path logs = dir.resolve("logs");
        children.add(ChildJvm.start("job", "1536m", jfr("job"), logs, out, "job: running", jobArgs(stack, access)));
        ChildJvm gateway = ChildJvm.start("gateway", "768m", jfr("gateway"), logs, out, "gateway: ",
                gatewayArgs(stack, access, coapsPort));
        children.add(gateway);
        for (ChildJvm c : children) {
            if (!c.awaitReady(START_PATIENCE)) {
                throw new IllegalStateException(c.name() + " did not start; see " + logs.resolve(c.name() + ".log"));
            }
        }
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("gateway", gateway.pid());
        pids.put("job", children.get(0).pid());
        pids.put("mosquitto", stack.mosquitto.pid());
        pids.put("kafka", stack.kafka.pid());
        pids.put("influxd", stack.influx.pid());
        pids.put("bench", ProcessHandle.current().pid());
        SimulatorConfig fleet = SimulatorConfig.defaults().withMqttUrl(stack.mosquitto.url())
                .withCoapUri("coaps://127.0.0.1:" + coapsPort)
                .withDevices(config.devices()).withCoapShare(config.coapShare())
                .withDeviceIdPrefix(DEVICE_PREFIX).withTimeScale(config.timeScale());

        List<PhaseResult> phases = new ArrayList<>();
        AlertLatency latency = null;
        String loadAverage;
        try (PipelineCounts counts = new PipelineCounts(stack, DATABASE)) {
            Phases run = new Phases(counts, pids, children, fleet, access.credentialsFile, config.publishers(),
                    dir.resolve("logs"), config.maxStoreLag(), out);
            if (config.warmUpRate() > 0) {
                phases.add(run.phase("warm-up", config.warmUpRate(), config.warmUp(), null));
            }
            for (double rate : config.stepRates()) {
                PhaseResult step = run.phase("step", rate, config.stepFor(), null);
                phases.add(step);
                if (!step.sustained(config.maxStoreLag().toMillis())) {
                    break;
                }
            }
            if (config.latencyRate() > 0) {
                // the duty officer's login: the ACL lets it read vigil/alerts/#, as a console or siren would
                try (AlertTail tail = new AlertTail(stack.kafka.bootstrapServers());
                     MqttAlertTail onMqtt = new MqttAlertTail(stack.mosquitto.url(), DemoAccess.OFFICER_USER,
                             access.officerPassword)) {
                    Phases.Timed timed = new Phases.Timed(tail, onMqtt);
                    phases.add(run.phase("latency", config.latencyRate(), config.latencyFor(), timed));
                    latency = timed.latency();
                }
            }
            loadAverage = run.loadAverages();
        }
        return new Report(phases, latency, config.latencyRate(), config.maxStoreLag().toMillis(), loadAverage, dir);
    }

    /** vigil.alerts with LogAppendTime, so each alert record carries the moment the broker appended it. */
    private static void createAlertsTopic(LocalStack stack) throws Exception {
        try (var admin = stack.kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(Topics.ALERTS, 1, (short) 1)
                    .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get();
        }
    }

    private List<String> jfr(String process) {
        if (!config.jfr()) {
            return List.of();
        }
        Path file = config.workDir().resolve("jfr").resolve(process + ".jfr");
        file.getParent().toFile().mkdirs();
        return List.of("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true");
    }

    private List<String> jobArgs(LocalStack stack, DemoAccess access) {
        List<String> args = new ArrayList<>(List.of("job",
                "--kafka", stack.kafka.bootstrapServers(), "--influx-url", stack.influx.url(),
                "--alertmanager-url", stack.alertmanager.url(),
                "--mqtt-url", stack.mosquitto.url(), "--mqtt-user", DemoAccess.JOB_USER,
                "--mqtt-password-file", access.jobPasswordFile.toString(),
                "--rules", config.rulesFile().toString(),
                "--checkpoint-dir", config.workDir().resolve("checkpoints").toString(),
                "--web-ui-port", "0", "--parallelism", String.valueOf(config.jobParallelism())));
        if (sharedSubscription()) {
            // a shared subscription spreads one device's burst over several connections, out of order into Kafka
            args.addAll(List.of("--settle", SeriesEvaluator.SETTLE.toMillis() + "ms"));
        }
        args.addAll(config.jobArgs());
        return args;
    }

    /** One subscriber: the gateway's default plain subscription; more share the load on a shared one. */
    private boolean sharedSubscription() {
        return config.gatewaySubscribers() > 1;
    }

    private List<String> gatewayArgs(LocalStack stack, DemoAccess access, int coapsPort) {
        return List.of("gateway",
                "--mqtt-url", stack.mosquitto.url(), "--kafka", stack.kafka.bootstrapServers(),
                "--registry", access.registryFile.toString(), "--mqtt-user", DemoAccess.GATEWAY_USER,
                "--mqtt-password-file", access.gatewayPasswordFile.toString(),
                "--coaps-port", String.valueOf(coapsPort), "--ack-port", "0",
                // several connections share the load at bench rates; no broker restart here, so no loss window
                "--subscription", sharedSubscription() ? "shared" : "plain",
                "--subscribers", String.valueOf(config.gatewaySubscribers()),
                // a bench device sends far more than a field gauge; the per-device limit would refuse the load itself
                "--rate-limit", "0");
    }

    /** Runs phases against a started pipeline. */
    static final class Phases {
        /** The alert tails of a latency phase: Kafka's polled while the phase runs, MQTT's called back. */
        static final class Timed {
            private final AlertTail tail;
            private final MqttAlertTail onMqtt;
            private AlertLatency latency;

            Timed(AlertTail tail, MqttAlertTail onMqtt) {
                this.tail = tail;
                this.onMqtt = onMqtt;
            }

            AlertLatency latency() {
                return latency;
            }
        }

        /**
         * After its last reading a latency phase keeps watching alerts this long: the job judges a reading once the
         * watermark passes it and publishes at the next checkpoint. Readings of the phase's last seconds may wait
         * for the next phase's data to move the watermark; their transitions are not counted.
         */
        private static final Duration ALERT_SETTLE = Duration.ofSeconds(10);

        private final PipelineCounts counts;
        private final Map<String, Long> pids;
        private final List<ChildJvm> children;
        private final SimulatorConfig fleet;
        private final Path credentialsFile;
        private final int publishers;
        private final Path logs;
        private final Duration maxStoreLag;
        private final PrintStream out;
        private final List<String> loadAverages = new ArrayList<>();

        Phases(PipelineCounts counts, Map<String, Long> pids, List<ChildJvm> children, SimulatorConfig fleet,
               Path credentialsFile, int publishers, Path logs, Duration maxStoreLag, PrintStream out) {
            this.counts = counts;
            this.pids = pids;
            this.children = children;
            this.fleet = fleet;
            this.credentialsFile = credentialsFile;
            this.publishers = publishers;
            this.logs = logs;
            this.maxStoreLag = maxStoreLag;
            this.out = out;
        }

        PhaseResult phase(String name, double rate, Duration length, Timed timed) throws Exception {
            out.printf("bench: %s phase, %.0f readings/s for %s%n", name, rate, length);
            Map<TopicPartition, Long> readingsFrom = counts.endOffsets(Topics.READINGS);
            long kafkaBefore = sum(readingsFrom);
            long deadBefore = counts.deadLetters();
            Map<String, ProcessUsage> before = usage();
            long startNanos = System.nanoTime();
            PublisherFleet sim = PublisherFleet.start(fleet.withRatePerSecond(rate).withDuration(length),
                    credentialsFile, publishers, BenchLoad.PUBLISHER_HEAP, logs);
            long sendStart = System.nanoTime();
            try {
                Duration sendLimit = length.multipliedBy(3).plus(Duration.ofSeconds(30));
                long answered = -1;
                long answeredChangedAt = System.nanoTime();
                while (!sim.awaitCompletion(Duration.ofMillis(200))) {
                    if (timed != null) {
                        timed.tail.poll(Duration.ZERO);
                    }
                    alive();
                    long now = System.nanoTime();
                    if (sim.acknowledged() + sim.failed() != answered) {
                        answered = sim.acknowledged() + sim.failed();
                        answeredChangedAt = now;
                    }
                    if (now - sendStart > sendLimit.toNanos() || now - answeredChangedAt > STALL.toNanos()) {
                        out.printf("bench: %s phase: %d readings unanswered after %.0f s; stopping it%n", name,
                                sim.sent() - answered, (now - sendStart) / 1e9);
                        break;
                    }
                }
            } finally {
                sim.close();
            }
            long lastAckNanos = System.nanoTime();
            for (String failure : sim.failures()) {
                out.println("bench: " + name + " phase: " + failure);
            }
            // from the first scheduled reading to the last answer, as the workers saw them
            double sendSeconds = sim.lastAnswerTime() > sim.startTime()
                    ? (sim.lastAnswerTime() - sim.startTime()) / 1e3 : (lastAckNanos - sendStart) / 1e9;
            long fromMillis = sim.startTime();
            long toMillis = fromMillis + length.toMillis() + 1000;
            long stored = awaitStored(sim.acknowledged(), fromMillis, toMillis, timed);
            long storeLag = stored >= sim.acknowledged() ? (System.nanoTime() - lastAckNanos) / 1_000_000 : -1;
            if (timed != null) {
                long settleEnd = System.nanoTime() + ALERT_SETTLE.toNanos();
                while (System.nanoTime() < settleEnd) {
                    timed.tail.poll(Duration.ofMillis(200));
                }
                timed.latency = timed.tail.latency(fromMillis, toMillis, readingsFrom, timed.onMqtt.arrivals());
                if (timed.onMqtt.lost() != null) {
                    out.println("bench: " + name + " phase: the MQTT alert subscriber lost its connection, alerts on"
                            + " MQTT may be missing: " + timed.onMqtt.lost());
                }
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            List<ProcessLoad> load = load(before, usage(), seconds);
            load.add(sim.load("publishers", seconds));
            loadAverages.add(loadAverage());
            PhaseResult result = new PhaseResult(name, rate, sim.acknowledged() / sendSeconds, sim.sent(),
                    sim.acknowledged(), sim.failed(), counts.readings() - kafkaBefore, stored,
                    counts.deadLetters() - deadBefore, storeLag, load);
            out.printf("bench: %s %.0f/s: %d sent, %d acknowledged, %d in Kafka, %d in InfluxDB, %d missing, %d dead"
                            + " letters, store lag %d ms%s%n", name, rate, result.sent(), result.acknowledged(),
                    result.inKafka(), result.stored(), result.missing(), result.deadLetters(), storeLag,
                    sim.lastFailure() == null ? "" : "; last failure: " + sim.lastFailure());
            return result;
        }

        /**
         * Polls InfluxDB until it holds {@code expected} points of the phase, or adds none for {@link #STALL}, or
         * {@link #MAX_DRAIN} is over; returns the last count.
         */
        private long awaitStored(long expected, long fromMillis, long toMillis, Timed timed) throws Exception {
            long deadline = System.nanoTime() + MAX_DRAIN.toNanos();
            long last = -1;
            long lastChange = System.nanoTime();
            while (true) {
                long stored = counts.storedReadings(fromMillis, toMillis);
                if (stored >= expected) {
                    return stored;
                }
                long now = System.nanoTime();
                if (stored != last) {
                    last = stored;
                    lastChange = now;
                } else if (now - lastChange > STALL.toNanos() || now > deadline) {
                    return stored;
                }
                alive();
                if (timed != null) {
                    timed.tail.poll(Duration.ofMillis(250));
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
                }
            }
        }

        private void alive() {
            for (ChildJvm c : children) {
                if (!c.isAlive()) {
                    throw new IllegalStateException(c.name() + " exited during the benchmark");
                }
            }
        }

        private Map<String, ProcessUsage> usage() {
            Map<String, ProcessUsage> u = new LinkedHashMap<>();
            pids.forEach((name, pid) -> u.put(name, ProcessUsage.of(pid)));
            return u;
        }

        private static List<ProcessLoad> load(Map<String, ProcessUsage> before, Map<String, ProcessUsage> after,
                                              double seconds) {
            List<ProcessLoad> load = new ArrayList<>();
            before.forEach((name, b) -> {
                ProcessUsage a = after.get(name);
                if (b != null && a != null) {
                    load.add(new ProcessLoad(name, a.cpuPercentSince(b, seconds), a.rssKb() / 1024));
                }
            });
            return load;
        }

        private static long sum(Map<TopicPartition, Long> offsets) {
            return offsets.values().stream().mapToLong(Long::longValue).sum();
        }

        String loadAverages() {
            return String.join(" | ", loadAverages);
        }

        private static String loadAverage() {
            try {
                return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (java.io.IOException e) {
                return "?";
            }
        }
    }
}

package io.vigil.sim;

import io.vigil.common.Protocol;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running fleet of simulated devices: the composition root of a simulator process. {@link #start} reads the
 * config, connects the transports and starts a pacer that sends each reading when the {@link ReadingSchedule}
 * says it is due. Event times come from the schedule, not the clock, so a run is reproducible from its config.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(10);
    private static final Duration SEND_ONE_TIMEOUT = Duration.ofSeconds(30);

    private final SimulatorConfig config;
    private final Scenario scenario;
    private final List<SimulatedDevice> fleet;
    private final ReadingSchedule schedule;
    private final long limit;
    private final ReadingTransport mqtt;
    private final ReadingTransport coap;
    private final PrintStream progress;
    private final DeliveryCounts counts = new DeliveryCounts();
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private final ScheduledExecutorService timers;
    private final FleetSlice slice;
    private volatile long startMillis;
    private volatile long startNanos;
    private ScheduledFuture<?> pacer;
    private long next;
    private volatile boolean sendingDone;
    private boolean closed;
    private long reportedSent;
    private long reportedAtNanos;

    private Simulator(SimulatorConfig config, FleetSlice slice, ReadingTransport mqtt, ReadingTransport coap,
                      PrintStream progress) {
        this.config = config;
        this.slice = slice;
        this.scenario = Scenarios.create(config.scenario(), config.seed(), config.timeScale());
        this.fleet = Fleet.plan(config.devices(), config.coapShare(), config.deviceIdPrefix(), scenario);
        this.schedule = new ReadingSchedule(config.devices(), config.ratePerSecond());
        this.limit = config.readingLimit();
        this.mqtt = mqtt;
        this.coap = coap;
        this.progress = progress;
        this.timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "vigil-sim-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Validates {@code config}, connects to the broker and/or gateway and starts sending. {@code progress} gets a
     * rate line every {@link SimulatorConfig#progressEvery()} and a summary at the end; null prints nothing.
     *
     * @throws IOException if the MQTT broker or CoAP endpoint cannot be reached
     */
    public static Simulator start(SimulatorConfig config, PrintStream progress) throws IOException {
        config.validate(); // before the slice, so a fleet of no devices is the config's clear error
        Simulator simulator = connect(config, FleetSlice.all(config.devices()), progress);
        simulator.startAt(System.currentTimeMillis());
        return simulator;
    }

    /**
     * Connects the devices of {@code slice} only, without sending yet: {@link #startAt} starts the schedule. The
     * schedule is the whole fleet's; this simulator sends the readings of its slice's devices and skips the rest,
     * so processes given disjoint slices and the same start time together send what one simulator would.
     */
    public static Simulator connect(SimulatorConfig config, FleetSlice slice, PrintStream progress) throws IOException {
        return connect(config, slice, progress, false);
    }

    /**
     * Like {@link #connect(SimulatorConfig, FleetSlice, PrintStream)}; with {@code leanMqtt} the MQTT devices publish
     * through {@link LeanMqttTransport} (a load generator's publisher, still logged in as themselves) instead of Paho.
     */
    public static Simulator connect(SimulatorConfig config, FleetSlice slice, PrintStream progress, boolean leanMqtt)
            throws IOException {
        config.validate();
        if (slice.to() > config.devices()) {
            throw new IllegalArgumentException("slice " + slice + " is beyond the fleet of " + config.devices());
        }
        int coapDevices = Fleet.coapDevices(config.devices(), config.coapShare());
        int mqttDevices = config.devices() - coapDevices;
        ReadingTransport mqtt = null;
        ReadingTransport coap = null;
        try {
            List<SimulatedDevice> fleet = Fleet.plan(config.devices(), config.coapShare(), config.deviceIdPrefix(),
                    Scenarios.create(config.scenario(), config.seed(), config.timeScale()))
                    .stream().filter(d -> slice.contains(d.index())).toList();
            mqttDevices = using(fleet, Protocol.MQTT).size();
            coapDevices = fleet.size() - mqttDevices;
            if (mqttDevices > 0) {
                int shared = Math.min(config.mqttConnections(), mqttDevices);
                List<SimulatedDevice> devices = using(fleet, Protocol.MQTT);
                if (leanMqtt) {
                    mqtt = config.credentials().isEmpty()
                            ? LeanMqttTransport.connect(config.mqttUrl(), shared, CONNECT_TIMEOUT)
                            : LeanMqttTransport.connectAs(config.mqttUrl(), devices, config.credentials(), CONNECT_TIMEOUT);
                } else {
                    mqtt = config.credentials().isEmpty()
                            ? MqttTransport.connect(config.mqttUrl(), shared, CONNECT_TIMEOUT)
                            : MqttTransport.connectAs(config.mqttUrl(), devices, config.credentials(), CONNECT_TIMEOUT);
                }
            }
            if (coapDevices > 0) {
                coap = isSecure(config.coapUri())
                        ? CoapTransport.openSecure(config.coapUri(), using(fleet, Protocol.COAP), config.credentials())
                        : CoapTransport.open(config.coapUri(), Math.min(config.coapClients(), coapDevices));
            }
        } catch (IOException | RuntimeException e) {
            if (mqtt != null) {
                mqtt.close();
            }
            throw e;
        }
        return new Simulator(config, slice, mqtt, coap, progress);
    }

    private static boolean isSecure(String coapUri) {
        return coapUri != null && coapUri.startsWith("coaps:");
    }

    private static List<SimulatedDevice> using(List<SimulatedDevice> fleet, Protocol protocol) {
        return fleet.stream().filter(d -> d.protocol() == protocol).toList();
    }

    /**
     * Sends one hand-made reading as device {@code deviceId} over {@code protocol}, using the config's addresses
     * and payload format, and waits for the broker's PUBACK or the gateway's 2.04.
     *
     * @throws IOException if it cannot connect or the reading is not acknowledged
     */
    public static void sendOne(SimulatorConfig config, Protocol protocol, String deviceId,
                               DeviceReading reading) throws IOException, InterruptedException {
        config.validate();
        String address = protocol == Protocol.COAP ? config.coapUri() : config.mqttUrl();
        if (address == null) {
            throw new IllegalArgumentException("no " + protocol + " address in the config to send " + deviceId + " to");
        }
        SimulatedDevice device = new SimulatedDevice(0, deviceId, protocol, reading.site(), reading.zone());
        CompletableFuture<String> outcome = new CompletableFuture<>();
        boolean loggedIn = config.credentials().containsKey(deviceId);
        try (ReadingTransport transport = switch (protocol) {
            case MQTT -> loggedIn
                    ? MqttTransport.connectAs(config.mqttUrl(), List.of(device), config.credentials(), CONNECT_TIMEOUT)
                    : MqttTransport.connect(config.mqttUrl(), 1, CONNECT_TIMEOUT);
            case COAP -> isSecure(config.coapUri())
                    ? CoapTransport.openSecure(config.coapUri(), List.of(device), config.credentials())
                    : CoapTransport.open(config.coapUri(), 1);
            default -> throw new IllegalArgumentException("devices send over MQTT or COAP, not " + protocol);
        }) {
            transport.send(device, reading.encode(config.payloadFormat(), deviceId), config.payloadFormat(),
                    new Delivery() {
                        @Override
                        public void acknowledged() {
                            outcome.complete(null);
                        }

                        @Override
                        public void failed(String reason) {
                            outcome.complete(reason);
                        }
                    });
            String failure = outcome.get(SEND_ONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (failure != null) {
                throw new IOException("reading from " + deviceId + " not accepted: " + failure);
            }
        } catch (TimeoutException e) {
            throw new IOException("reading from " + deviceId + " not acknowledged within " + SEND_ONE_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new IOException("reading from " + deviceId + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Starts sending at {@code epochMillis} (now if past): reading k's event time is that plus its scheduled
     * elapsed time. Call once, after {@link #connect}.
     */
    public synchronized void startAt(long epochMillis) {
        if (pacer != null) {
            throw new IllegalStateException("the simulator has started already");
        }
        long now = System.currentTimeMillis();
        startMillis = epochMillis;
        startNanos = System.nanoTime() + (epochMillis - now) * 1_000_000L;
        reportedAtNanos = startNanos;
        long tickMillis = Math.max(5, Math.min(100, (long) (1000 / config.ratePerSecond())));
        pacer = timers.scheduleAtFixedRate(this::tick, Math.max(0, epochMillis - now), tickMillis, TimeUnit.MILLISECONDS);
        long every = config.progressEvery().toMillis();
        timers.scheduleAtFixedRate(this::report, every, every, TimeUnit.MILLISECONDS);
        LOG.info("simulating {} devices of scenario {} at {} readings/s", fleet.size(), scenario.name(),
                config.ratePerSecond());
    }

    // Runs on the pacer thread only. Sends everything due by now, so a late tick catches up instead of drifting.
    private void tick() {
        try {
            long due = schedule.dueBy(System.nanoTime() - startNanos);
            if (limit >= 0) {
                due = Math.min(due, limit);
            }
            while (next < due && !sendingDone) {
                long k = next++;
                if (slice.contains(schedule.device(k))) {
                    send(k);
                }
            }
            if (limit >= 0 && next >= limit) {
                finishSending();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A tick that throws would silently end the periodic task; log and keep the run going.
            LOG.error("simulator tick failed at reading {}", next, e);
        }
    }

    private void send(long k) throws InterruptedException {
        SimulatedDevice device = fleet.get(schedule.device(k));
        long elapsed = schedule.elapsedMillis(k);
        DeviceReading reading = DeviceReading.of(scenario.measure(device.index(), elapsed), startMillis + elapsed,
                device.zone(), device.site());
        ReadingTransport transport = device.protocol() == Protocol.COAP ? coap : mqtt;
        counts.recordSent(device.protocol());
        Delivery delivery = new Delivery() {
            @Override
            public void acknowledged() {
                counts.recordAcknowledged();
                completeIfDrained();
            }

            @Override
            public void failed(String reason) {
                LOG.debug("reading {} of {} failed: {}", k, device.id(), reason);
                counts.recordFailed(reason);
                completeIfDrained();
            }
        };
        try {
            transport.send(device, reading.encode(config.payloadFormat(), device.id()), config.payloadFormat(), delivery);
        } catch (InterruptedException e) {
            delivery.failed("stopped before it was sent");
            throw e;
        }
    }

    private void finishSending() {
        sendingDone = true;
        if (pacer != null) {
            pacer.cancel(false);
        }
        completeIfDrained();
    }

    private void completeIfDrained() {
        if (sendingDone && counts.outstanding() == 0) {
            complete();
        }
    }

    private void complete() {
        if (completion.complete(null)) {
            print(counts.summary((System.nanoTime() - startNanos) / 1e9));
        }
    }

    private synchronized void report() {
        long now = System.nanoTime();
        long sent = counts.sent();
        double seconds = (now - reportedAtNanos) / 1e9;
        double rate = seconds > 0 ? (sent - reportedSent) / seconds : 0;
        reportedSent = sent;
        reportedAtNanos = now;
        print(counts.line(rate));
    }

    private void print(String line) {
        if (progress != null) {
            progress.println(line);
        }
    }

    /** Blocks until every reading of a bounded run is sent and answered, or until {@link #close()}. */
    public void awaitCompletion() throws InterruptedException {
        try {
            completion.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Like {@link #awaitCompletion()}, giving up after {@code timeout}; true if the run completed. */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        try {
            completion.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Readings handed to the network. */
    public long sent() {
        return counts.sent();
    }

    /** Readings the broker acknowledged (PUBACK) or the gateway answered with 2.04 Changed. */
    public long acknowledged() {
        return counts.acknowledged();
    }

    /** Readings refused, lost or unanswered. */
    public long failed() {
        return counts.failed();
    }

    /** Why the most recent failure happened, or null. */
    public String lastFailure() {
        return counts.lastFailure();
    }

    /** Epoch ms the run started: reading k's event time is this plus its scheduled elapsed time. */
    public long startTime() {
        return startMillis;
    }

    public List<SimulatedDevice> fleet() {
        return fleet;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Stops sending, waits briefly for answers still outstanding, disconnects and prints a summary. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        sendingDone = true;
        if (pacer != null) {
            pacer.cancel(false);
        }
        timers.shutdown();
        try {
            if (!timers.awaitTermination(DRAIN_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)) {
                timers.shutdownNow();
            }
            completeIfDrained();
            completion.get(DRAIN_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("closing with {} readings unanswered", counts.outstanding());
        }
        if (mqtt != null) {
            mqtt.close();
        }
        if (coap != null) {
            coap.close();
        }
        complete();
    }
}

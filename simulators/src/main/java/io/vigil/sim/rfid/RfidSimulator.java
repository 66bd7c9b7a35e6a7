package io.vigil.sim.rfid;

import io.vigil.common.Topics;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.sim.DeviceCredentials;
import io.vigil.sim.DeviceReading;
import io.vigil.sim.PayloadFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Plays an {@link RfidScenario} as RFID readers would: every inventory round, each reader publishes what it read
 * to {@code vigil/tagreads/{reader}} (MQTT 5, QoS 1) in its own format, over its own connection, logged in as
 * itself when {@link RfidSimConfig#credentials()} holds its password. A refused publish is counted and the run
 * goes on; a refused login stops the run before it starts.
 */
public final class RfidSimulator implements AutoCloseable {
    private final RfidSimConfig config;
    private final Site site;
    private final RfidScenario scenario;
    private final ReadGenerator generator;
    private final long startMs;
    private volatile boolean stopped;
    private long payloads;
    private long reads;
    private long failed;
    private long sensorReadings;

    /**
     * What a run sent; {@code startMs} places the scenario's truth in event time. {@code payloads} and {@code reads}
     * count tag reads; {@code sensorReadings} the trigger sensor's readings; {@code failed} both.
     */
    public record Summary(String scenario, long startMs, long payloads, long reads, long sensorReadings, long failed) {}

    public RfidSimulator(RfidSimConfig config) {
        this.config = config.validate();
        this.site = SiteLoader.load(config.siteFile());
        this.scenario = RfidScenario.named(config.scenario(), config.seed(), site);
        this.generator = new ReadGenerator(scenario, site, config.noise(), config.round().toMillis());
        long length = scenario.length().toMillis();
        this.startMs = config.startMs() != null ? config.startMs()
                : System.currentTimeMillis() - Math.round(length - length / config.timeScale());
    }

    public RfidScenario scenario() {
        return scenario;
    }

    public long startMs() {
        return startMs;
    }

    /** Sends every round, paced by the time scale; returns when the scenario is over or {@link #close()} was called. */
    public Summary run(PrintStream out) throws IOException {
        Map<String, MqttClient> clients = connectReaders();
        out.printf(Locale.ROOT, "rfid-sim: scenario %s, seed %d, %d tags, %d readers, %d rounds of %d ms at %.1fx%n",
                scenario.name(), scenario.seed(), scenario.tags().size(), generator.readers().size(),
                generator.rounds(), generator.roundMs(), config.timeScale());
        long wallStart = System.nanoTime();
        long nextProgress = wallStart + config.progressEvery().toNanos();
        String lastFailure = null;
        try {
            for (int round = 0; round < generator.rounds() && !stopped; round++) {
                long due = wallStart + (long) (round * generator.roundMs() * 1e6 / config.timeScale());
                for (long wait = due - System.nanoTime(); wait > 0 && !stopped; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                for (Map.Entry<String, List<SimRead>> e : byReader(generator.round(round, startMs)).entrySet()) {
                    MqttMessage m = new MqttMessage(format(e.getKey()).encode(e.getValue()));
                    m.setQos(1);
                    try {
                        clients.get(e.getKey()).publish(Topics.MQTT_TAGREADS_PREFIX + e.getKey(), m);
                        payloads++;
                        reads += e.getValue().size();
                    } catch (MqttException ex) {
                        failed++;
                        lastFailure = ex.getMessage();
                    }
                }
                if (scenario.trigger() != null) {
                    try {
                        publishTrigger(clients.get(scenario.trigger().deviceId()), round);
                        sensorReadings++;
                    } catch (MqttException ex) {
                        failed++;
                        lastFailure = ex.getMessage();
                    }
                }
                if (System.nanoTime() >= nextProgress) {
                    nextProgress += config.progressEvery().toNanos();
                    out.printf(Locale.ROOT, "rfid-sim: %.0f s of %d s, %d payloads, %d tag reads sent, %d failed%s%n",
                            (round + 1) * generator.roundMs() / 1000.0, scenario.length().toSeconds(), payloads, reads,
                            failed, lastFailure == null ? "" : " (last: " + lastFailure + ")");
                }
            }
        } finally {
            disconnect(clients.values(), out);
        }
        out.printf("rfid-sim: done, %d payloads, %d tag reads%s sent, %d failed%n", payloads, reads,
                scenario.trigger() == null ? "" : ", " + sensorReadings + " " + scenario.trigger().deviceId()
                        + " readings", failed);
        return new Summary(scenario.name(), startMs, payloads, reads, sensorReadings, failed);
    }

    /** The trigger sensor's reading of this round, at the round's start, as a device sends it (plain JSON). */
    private void publishTrigger(MqttClient client, int round) throws MqttException {
        TriggerSensor sensor = scenario.trigger();
        long at = round * generator.roundMs();
        MqttMessage m = new MqttMessage(new DeviceReading(sensor.metric(), sensor.valueAt(at), sensor.unit(),
                startMs + at, sensor.zone(), site.id()).encode(PayloadFormat.JSON, sensor.deviceId()));
        m.setQos(1);
        MqttProperties properties = new MqttProperties();
        properties.setContentType(PayloadFormat.JSON.mediaType());
        m.setProperties(properties);
        client.publish(Topics.MQTT_READINGS_PREFIX + sensor.deviceId(), m);
    }

    /**
     * One connection per reader, and one for the trigger sensor, as real devices have: one with credentials logs
     * in as itself.
     */
    private Map<String, MqttClient> connectReaders() throws IOException {
        Map<String, MqttClient> clients = new LinkedHashMap<>();
        List<String> devices = new ArrayList<>(generator.readers());
        if (scenario.trigger() != null) {
            devices.add(scenario.trigger().deviceId());
        }
        for (String reader : devices) {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setAutomaticReconnect(true);
            DeviceCredentials login = config.credentials().get(reader);
            if (login != null) {
                options.setUserName(reader);
                options.setPassword(login.mqttPassword().getBytes(StandardCharsets.UTF_8));
            }
            try {
                MqttClient client = new MqttClient(config.mqttUrl(), "vigil-rfid-" + reader + "-" + UUID.randomUUID(),
                        new MemoryPersistence());
                clients.put(reader, client);
                client.connect(options);
            } catch (MqttException e) {
                disconnect(clients.values(), null);
                throw new IOException((generator.readers().contains(reader) ? "reader " : "sensor ") + reader + " cannot connect to MQTT broker " + config.mqttUrl()
                        + (login == null ? " anonymously" : " as itself") + ": " + e.getMessage(), e);
            }
        }
        return clients;
    }

    private static void disconnect(Iterable<MqttClient> clients, PrintStream out) {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect(TimeUnit.SECONDS.toMillis(5));
                }
                client.close();
            } catch (MqttException e) {
                if (out != null) {
                    out.println("rfid-sim: disconnect failed: " + e.getMessage());
                }
            }
        }
    }

    private ReaderFormat format(String reader) {
        return config.formats().getOrDefault(reader, ReaderFormat.VIGIL);
    }

    static Map<String, List<SimRead>> byReader(List<SimRead> round) {
        Map<String, List<SimRead>> out = new LinkedHashMap<>();
        for (SimRead r : round) {
            out.computeIfAbsent(r.reader(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    @Override
    public void close() {
        stopped = true;
    }
}

package io.vigil.app.bench;

import io.vigil.common.Protocol;
import io.vigil.sim.DeviceReading;
import io.vigil.sim.PayloadFormat;
import io.vigil.sim.RiverFloodScenario;
import io.vigil.sim.Simulator;
import io.vigil.sim.SimulatorConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The load every bench drives: Vigil's own Simulator, split over {@code publishers} child JVMs
 * ({@link PublisherFleet}), publishing the river-flood scenario as plain JSON, QoS 1, to
 * {@code vigil/readings/{device}} over MQTT only, exactly as devices feed the pipeline. The scenario is sped up so
 * the flood gauge crosses the 4.0 m alarm limit within every step, and a threshold downstream has something to find.
 *
 * @param mqttUrl     broker
 * @param devices     fleet size; each device reports every devices/rate seconds
 * @param connections MQTT connections the devices of each publisher process share
 * @param step        how long each step publishes
 * @param publishers  publishing processes, each owning a slice of the devices
 * @param logDir      where the publishers' output goes
 */
public record BenchLoad(String mqttUrl, int devices, int connections, Duration step, int publishers, Path logDir) {
    /** Scenario seconds of the flood wave: rise from 10 s, back to normal at 80 s; see {@link RiverFloodScenario}. */
    private static final double FLOOD_WAVE_SECONDS = 90;
    /** Beyond the workers' own answer grace: their JVMs starting, connecting and exiting. */
    private static final Duration ACK_GRACE = Duration.ofSeconds(60);
    static final String PUBLISHER_HEAP = "256m";
    static final String PROBE_DEVICE = "bench-probe";

    public BenchLoad {
        if (devices < 1 || connections < 1 || step == null || step.isNegative() || step.isZero() || publishers < 1
                || publishers > devices) {
            throw new IllegalArgumentException("bench load needs devices >= 1, connections >= 1, a positive step and"
                    + " 1..devices publishers, got " + devices + ", " + connections + ", " + step + ", " + publishers);
        }
    }

    SimulatorConfig simulatorAt(double rate) {
        double stepSeconds = step.toMillis() / 1000.0;
        return SimulatorConfig.defaults()
                .withMqttUrl(mqttUrl)
                .withCoapShare(0)
                .withDevices(devices)
                .withMqttConnections(Math.min(connections, devices))
                .withRatePerSecond(rate)
                .withDuration(step)
                .withScenario(RiverFloodScenario.NAME)
                .withTimeScale(Math.max(1, FLOOD_WAVE_SECONDS / stepSeconds))
                .withPayloadFormat(PayloadFormat.JSON)
                .withProgressEvery(Duration.ofHours(1));
    }

    /**
     * Publishes one step at {@code rate} readings/s and waits until the broker has answered every reading.
     *
     * @throws IOException if a publisher process failed (named in the message) or answers are missing
     */
    public Published publish(double rate) throws IOException, InterruptedException {
        try (PublisherFleet fleet = PublisherFleet.start(simulatorAt(rate), null, publishers, PUBLISHER_HEAP, logDir)) {
            boolean done = fleet.awaitCompletion(step.plus(PublisherWorker.ANSWER_GRACE).plus(ACK_GRACE));
            if (!fleet.failures().isEmpty()) {
                throw new IOException("bench load at " + rate + "/s: " + String.join("; ", fleet.failures()));
            }
            if (!done) {
                throw new IOException("the broker did not answer every reading of the " + rate + "/s step within "
                        + PublisherWorker.ANSWER_GRACE + " after it ended: " + fleet.acknowledged() + " of "
                        + fleet.sent());
            }
            return fleet.published(step);
        }
    }

    /** One reading from {@link #PROBE_DEVICE}, acknowledged by the broker: shows the far end is subscribed. */
    public void probe(long eventTime) throws IOException, InterruptedException {
        Simulator.sendOne(SimulatorConfig.defaults().withMqttUrl(mqttUrl).withCoapShare(0), Protocol.MQTT, PROBE_DEVICE,
                new DeviceReading(RiverFloodScenario.METRIC, 3.0, RiverFloodScenario.UNIT, eventTime,
                        RiverFloodScenario.ZONES.get(0), RiverFloodScenario.SITE));
    }
}

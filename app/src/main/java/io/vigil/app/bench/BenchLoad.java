package io.vigil.app.bench;

import io.vigil.common.Protocol;
import io.vigil.sim.DeviceReading;
import io.vigil.sim.PayloadFormat;
import io.vigil.sim.RiverFloodScenario;
import io.vigil.sim.Simulator;
import io.vigil.sim.SimulatorConfig;
import java.io.IOException;
import java.time.Duration;

/**
 * The load every bench drives: Vigil's own Simulator publishing the river-flood scenario as plain JSON, QoS 1, to
 * {@code vigil/readings/{device}} over MQTT only, exactly as devices feed the pipeline. The scenario is sped up so
 * the flood gauge crosses the 4.0 m alarm limit within every step, and a threshold downstream has something to find.
 *
 * @param mqttUrl     broker
 * @param devices     fleet size; each device reports every devices/rate seconds
 * @param connections MQTT connections the fleet shares
 * @param step        how long each step publishes
 */
public record BenchLoad(String mqttUrl, int devices, int connections, Duration step) {
    /** Scenario seconds of the flood wave: rise from 10 s, back to normal at 80 s; see {@link RiverFloodScenario}. */
    private static final double FLOOD_WAVE_SECONDS = 90;
    private static final Duration ACK_GRACE = Duration.ofSeconds(60);
    static final String PROBE_DEVICE = "bench-probe";

    public BenchLoad {
        if (devices < 1 || connections < 1 || step == null || step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("bench load needs devices >= 1, connections >= 1 and a positive step,"
                    + " got " + devices + ", " + connections + ", " + step);
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

    /** Publishes one step at {@code rate} readings/s and waits until the broker has answered every reading. */
    public Published publish(double rate) throws IOException, InterruptedException {
        Simulator simulator = Simulator.start(simulatorAt(rate), null);
        // from the first reading to the last PUBACK: connecting and disconnecting are not part of the rate
        long startNanos = System.nanoTime();
        Duration took;
        try {
            if (!simulator.awaitCompletion(step.plus(ACK_GRACE))) {
                throw new IOException("the broker did not answer every reading of the " + rate + "/s step within "
                        + ACK_GRACE + " after it ended: " + simulator.acknowledged() + " of " + simulator.sent());
            }
            took = Duration.ofNanos(System.nanoTime() - startNanos);
        } finally {
            simulator.close();
        }
        long last = simulator.startTime() + step.toMillis();
        return new Published(simulator.sent(), simulator.acknowledged(), simulator.failed(), took,
                simulator.startTime(), last);
    }

    /** One reading from {@link #PROBE_DEVICE}, acknowledged by the broker: shows the far end is subscribed. */
    public void probe(long eventTime) throws IOException, InterruptedException {
        Simulator.sendOne(SimulatorConfig.defaults().withMqttUrl(mqttUrl).withCoapShare(0), Protocol.MQTT, PROBE_DEVICE,
                new DeviceReading(RiverFloodScenario.METRIC, 3.0, RiverFloodScenario.UNIT, eventTime,
                        RiverFloodScenario.ZONES.get(0), RiverFloodScenario.SITE));
    }
}

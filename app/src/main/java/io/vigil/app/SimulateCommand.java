package io.vigil.app;

import io.vigil.sim.PayloadFormat;
import io.vigil.sim.Simulator;
import io.vigil.sim.SimulatorConfig;
import io.vigil.sim.rfid.RfidScenario;
import io.vigil.sim.rfid.RfidSimConfig;
import io.vigil.sim.rfid.RfidSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Options left out keep {@link SimulatorConfig#defaults()}: defaults live there only. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs a simulated device fleet publishing over MQTT and CoAP with a seeded scenario,",
                "printing its rate. Defaults: 10 devices, 20 readings/s, 30% CoAP, river-flood, seed 42.",
                "RFID scenarios (crowd, intrusion, missing-asset, evacuation, hazmat, dwell) play RFID readers of a site file",
                "publishing tag reads to vigil/tagreads/{reader} instead."})
final class SimulateCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Option(names = "--mqtt-url", description = "MQTT broker (default tcp://127.0.0.1:1883).") String mqttUrl;
    @Option(names = "--coap-uri", description = "Gateway CoAP base URI (default coap://127.0.0.1:5683; coaps://host:5684 needs --credentials).") String coapUri;
    @Option(names = "--credentials", paramLabel = "FILE", description = "Per-device secrets (deviceId: {mqttPassword, pskKey}): each device (or RFID reader) logs in as itself.") java.nio.file.Path credentials;
    @Option(names = "--devices", description = "Fleet size.") Integer devices;
    @Option(names = "--coap-share", description = "Share of devices using CoAP, 0..1.") Double coapShare;
    @Option(names = "--rate", description = "Readings per second over the whole fleet.") Double rate;
    @Option(names = "--for", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to send (default: until stopped).") Duration runFor;
    @Option(names = "--count", description = "Send at most this many readings.") Long count;
    @Option(names = "--seed", description = "Scenario seed: the same seed gives the same values.") Long seed;
    @Option(names = "--scenario", description = "Scenario name: river-flood, or RFID: crowd, intrusion, missing-asset, evacuation, hazmat, dwell.") String scenario;
    @Option(names = "--repeat", description = "RFID scenarios: play the scenario again and again (seed + 1 each time) until stopped.") boolean repeat;
    @Option(names = "--site", paramLabel = "FILE", description = "Site file of an RFID scenario (default config/site.yaml in the checkout).") Path site;
    @Option(names = "--time-scale", description = "Run the scenario this many times faster than real time.") Double timeScale;
    @Option(names = "--format", description = "Payload format: ${COMPLETION-CANDIDATES}.") PayloadFormat format;

    @Override
    public Integer call() throws Exception {
        if (scenario != null && RfidScenario.NAMES.contains(scenario)) {
            return rfid();
        }
        SimulatorConfig c = SimulatorConfig.defaults();
        if (mqttUrl != null) c = c.withMqttUrl(mqttUrl);
        if (coapUri != null) c = c.withCoapUri(coapUri);
        if (devices != null) c = c.withDevices(devices);
        if (coapShare != null) c = c.withCoapShare(coapShare);
        if (rate != null) c = c.withRatePerSecond(rate);
        if (runFor != null) c = c.withDuration(runFor);
        if (count != null) c = c.withMaxReadings(count);
        if (seed != null) c = c.withSeed(seed);
        if (scenario != null) c = c.withScenario(scenario);
        if (timeScale != null) c = c.withTimeScale(timeScale);
        if (format != null) c = c.withPayloadFormat(format);
        if (credentials != null) c = c.withCredentials(io.vigil.sim.DeviceCredentials.read(credentials));

        Simulator simulator = Simulator.start(c, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "simulator-stop"));
        simulator.awaitCompletion();
        simulator.close();
        return simulator.failed() == 0 ? 0 : 1;
    }

    private int rfid() throws Exception {
        RfidSimConfig c = RfidSimConfig.defaults().withScenario(scenario)
                .withSiteFile(site != null ? site : vigil.root().resolve("config/site.yaml"));
        if (mqttUrl != null) c = c.withMqttUrl(mqttUrl);
        if (seed != null) c = c.withSeed(seed);
        if (timeScale != null) c = c.withTimeScale(timeScale);
        if (credentials != null) c = c.withCredentials(io.vigil.sim.DeviceCredentials.read(credentials));
        java.util.concurrent.atomic.AtomicReference<RfidSimulator> running = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            RfidSimulator s = running.get();
            if (s != null) {
                s.close();
            }
        }, "rfid-simulator-stop"));
        long failed = 0;
        // another seed each time gives other visitors, so a repeat is not the same people arriving again
        for (int run = 0; run == 0 || (repeat && !stop.get()); run++) {
            RfidSimulator simulator = new RfidSimulator(c.withSeed(c.seed() + run));
            running.set(simulator);
            failed += simulator.run(System.out).failed();
        }
        return failed == 0 ? 0 : 1;
    }
}

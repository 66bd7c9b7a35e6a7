package io.vigil.app;

import io.vigil.sim.rfid.RfidScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole local stack on loopback with the river-flood scenario: Mosquitto, InfluxDB,",
                "Kafka, the device gateway, the Flink job (web UI on localhost) and a simulated fleet.",
                "--scenario crowd plays RFID readers of config/site.yaml instead: a crowd fills the plaza (or intrusion,",
                "missing-asset, evacuation: a smoke alarm starts a muster; hazmat, dwell).",
                "Prints a rate line and every alert. Exit code 0 when readings flowed and an alert arrived.",
                "Security is on: devices log in with their own MQTT password or DTLS PSK (registry $VIGIL_HOME/devices.yaml,",
                "secrets under $VIGIL_HOME/secrets, owner-only); the gateway, the job and the duty officer have broker logins."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Vigil vigil;

    @Option(names = "--for", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Stop after this long (e.g. 90s, 5m). Default: until Ctrl-C.")
    Duration runFor;

    @Option(names = "--until-alarm", description = "Stop as soon as the first ALARM arrives.")
    boolean untilAlarm;

    @Option(names = "--devices", defaultValue = "10", description = "Simulated devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--rate", defaultValue = "20", description = "Readings per second in total (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--rules", paramLabel = "FILE", description = "Rules file (default config/rules.yaml).")
    Path rules;

    @Option(names = "--scenario", defaultValue = "river-flood",
            description = "river-flood (default: gauges and the flood alerts), or an RFID scenario: crowd, intrusion,"
                    + " missing-asset, evacuation, hazmat, dwell.")
    String scenario;

    @Option(names = "--site", paramLabel = "FILE", description = "RFID site file of an RFID scenario (default config/site.yaml).")
    Path site;

    @Option(names = "--port-offset", defaultValue = "0",
            description = "Added to every default port (1883 MQTT, 5684 CoAPS, 8086 InfluxDB, 9092 Kafka, 8081 Flink UI,"
                    + " 9464 and 9249 Prometheus),"
                    + " to run beside servers that already use them.")
    int portOffset;

    @Override
    public Integer call() throws Exception {
                Demo.Ports ports = Demo.Ports.defaults().plus(portOffset);
        Path rulesFile = rules != null ? rules : vigil.root().resolve("config/rules.yaml");
        if (!scenario.equals("river-flood") && !RfidScenario.NAMES.contains(scenario)) {
            System.err.println("demo: unknown scenario '" + scenario + "'; known: river-flood, "
                    + String.join(", ", RfidScenario.NAMES));
            return 2;
        }
        String rfidScenario = scenario.equals("river-flood") ? null : scenario;
        Path siteFile = site != null ? site : vigil.root().resolve("config/site.yaml");
        try {
            return new Demo(new Demo.Config(vigil.home(), rulesFile, ports, runFor, untilAlarm, devices, rate,
                    Duration.ofSeconds(5), rfidScenario, siteFile),
                    System.out).run();
        } catch (IllegalStateException e) {
            // a server or child that cannot start: say which and where its log is, not a stack trace
            System.err.println("demo: " + e.getMessage());
            return 3;
        }
    }
}

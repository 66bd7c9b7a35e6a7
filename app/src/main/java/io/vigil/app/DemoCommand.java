package io.vigil.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole local stack on loopback with the river-flood scenario: Mosquitto, InfluxDB,",
                "Kafka, the device gateway, the Flink job (web UI on localhost) and a simulated fleet.",
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

    @Option(names = "--port-offset", defaultValue = "0",
            description = "Added to every default port (1883 MQTT, 5684 CoAPS, 8086 InfluxDB, 9092 Kafka, 8081 Flink UI),"
                    + " to run beside servers that already use them.")
    int portOffset;

    @Override
    public Integer call() throws Exception {
                Demo.Ports ports = Demo.Ports.defaults().plus(portOffset);
        Path rulesFile = rules != null ? rules : vigil.root().resolve("config/rules.yaml");
        return new Demo(new Demo.Config(vigil.home(), rulesFile, ports, runFor, untilAlarm, devices, rate,
                Duration.ofSeconds(5)),
                System.out).run();
    }
}

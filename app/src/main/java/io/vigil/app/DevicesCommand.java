package io.vigil.app;

import io.vigil.common.Reading;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.RegistryException;
import io.vigil.common.registry.Secrets;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigil devices add|list|revoke}: manages the device registry (default {@code $VIGIL_HOME/devices.yaml}). */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Manages the device registry: who may send readings, with which credentials, from where.",
        subcommands = {DevicesCommand.Add.class, DevicesCommand.List.class, DevicesCommand.Revoke.class})
final class DevicesCommand {
    @ParentCommand
    Vigil vigil;

    @Option(names = "--registry", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Registry file (default $VIGIL_HOME/devices.yaml).")
    Path registry;

    Path registryFile() {
        return registry != null ? registry : vigil.home().resolve("devices.yaml");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Registers a device and prints its MQTT password and DTLS key once; they are not shown again.")
    static final class Add implements Callable<Integer> {
        private static final String SAMPLE = "{\"metric\":\"water_level\",\"value\":1.2,\"unit\":\"m\"}";
        @ParentCommand DevicesCommand parent;
        @Parameters(index = "0", paramLabel = "ID", description = "Device id: its MQTT user name and PSK identity.") String id;
        @Option(names = "--zone", required = true, description = "Zone its readings belong to.") String zone;
        @Option(names = "--site", description = "Site (default: " + Reading.Defaults.SITE + ").") String site;
        @Option(names = "--department", description = "Owning department (optional).") String department;
        @Option(names = "--metric", description = "A metric it may report (repeat; default: any).") java.util.List<String> metrics;

        @Override
        public Integer call() throws Exception {
            return DevicesCommand.reportingErrors(this::add);
        }

        private Integer add() throws Exception {
            Path file = parent.registryFile();
            String password = Secrets.newPassword();
            String psk = Secrets.newPskKey();
            RegisteredDevice device = new RegisteredDevice(id, site == null ? Reading.Defaults.SITE : site, zone,
                    department, Secrets.mosquittoHash(password), psk,
                    metrics == null ? null : new LinkedHashSet<>(metrics), false);
            DeviceRegistry updated = DeviceRegistry.load(file).with(device);
            // round trip through the validating reader, so what we wrote is what the gateway will accept
            updated.save(file);
            DeviceRegistry.load(file);
            PrintStream out = System.out;
            out.printf("device %s registered in %s%n", id, file);
            out.printf("  MQTT     user %s  password %s  (publish to vigil/readings/%s)%n", id, password, id);
            out.printf("  CoAPS    PSK identity %s  key %s  (the key is this text, used verbatim as the DTLS PSK)%n",
                    id, psk);
            out.printf("  try it   mosquitto_pub -p 1883 -u %s -P '%s' -t vigil/readings/%s -m '%s'%n", id, password, id,
                    SAMPLE);
            out.printf("           echo '%s' | coap-client-openssl -m post -t 50 -u %s -k '%s' -f - "
                    + "coaps://127.0.0.1:5684/readings/%s%n", SAMPLE, id, psk, id);
            out.println("These secrets are shown once. A running demo lets the device log in within seconds;"
                    + " a broker you run yourself needs its access files regenerated and reloaded (SIGHUP).");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registered devices (no secrets).")
    static final class List implements Callable<Integer> {
        @ParentCommand DevicesCommand parent;

        @Override
        public Integer call() throws Exception {
            return DevicesCommand.reportingErrors(this::list);
        }

        private Integer list() throws Exception {
            DeviceRegistry registry = DeviceRegistry.load(parent.registryFile());
            System.out.printf("%-24s %-8s %-16s %-16s %-12s %s%n", "ID", "STATUS", "SITE", "ZONE", "DEPARTMENT", "METRICS");
            for (RegisteredDevice d : registry.devices()) {
                System.out.printf("%-24s %-8s %-16s %-16s %-12s %s%n", d.id(), d.revoked() ? "revoked" : "enabled",
                        d.site(), d.zone(), d.department() == null ? "-" : d.department(),
                        d.metrics().isEmpty() ? "any" : String.join(",", new java.util.TreeSet<>(d.metrics())));
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a device: the gateway refuses it within seconds; the broker after its files are regenerated.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand DevicesCommand parent;
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            return DevicesCommand.reportingErrors(this::revoke);
        }

        private Integer revoke() throws Exception {
            Path file = parent.registryFile();
            DeviceRegistry.load(file).revoke(id).save(file);
            System.out.printf("device %s revoked in %s%n", id, file);
            return 0;
        }
    }

    /** A registry the operator must fix is reported as one line naming file, line and field, not a stack trace. */
    static Integer reportingErrors(Callable<Integer> action) throws Exception {
        try {
            return action.call();
        } catch (RegistryException e) {
            System.err.println("vigil devices: " + e.getMessage());
            return 1;
        }
    }
}

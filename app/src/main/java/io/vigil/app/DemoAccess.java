package io.vigil.app;

import io.vigil.common.Reading;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MosquittoAccess;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.common.registry.ServiceAccount;
import io.vigil.common.rfid.Site;
import io.vigil.sim.DeviceCredentials;
import io.vigil.sim.Fleet;
import io.vigil.sim.Scenarios;
import io.vigil.sim.SimulatedDevice;
import io.vigil.sim.SimulatorConfig;
import io.vigil.sim.rfid.TriggerSensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The demo's identities, so it runs with security on: every simulated device (RFID readers included) and the
 * hand-send device are in the registry ({@code devices.yaml} in the demo home, the same file {@code vigil devices}
 * manages) with secrets only the demo and the user hold; Mosquitto's password file and ACL come from it; the gateway, the job and the duty
 * officer get broker logins of their own. Secrets live under {@code secrets/}, owner-only.
 *
 * <p>A device's secrets are reused from run to run while the registry still holds it unchanged; a device the demo
 * holds no clear secrets for (or whose zone moved) is keyed afresh.
 */
public final class DemoAccess {
    public static final String HAND_DEVICE = "my-gauge";
    public static final String GATEWAY_USER = "vigil-gateway";
    public static final String JOB_USER = "vigil-job";
    public static final String OFFICER_USER = "duty-officer";

    public final Path registryFile;
    public final Path passwordFile;
    public final Path aclFile;
    public final Path credentialsFile;
    public final Path gatewayPasswordFile;
    public final Path jobPasswordFile;
    final DeviceCredentials handDevice;
    /** The duty officer's broker password (reads alerts, publishes acknowledgements). */
    public final String officerPassword;
    private final List<ServiceAccount> services;

    private DemoAccess(Path registryFile, List<Path> brokerFiles, Path credentialsFile, Path gatewayPasswordFile,
                       Path jobPasswordFile, DeviceCredentials handDevice, String officerPassword,
                       List<ServiceAccount> services) {
        this.services = List.copyOf(services);
        this.registryFile = registryFile;
        this.passwordFile = brokerFiles.get(0);
        this.aclFile = brokerFiles.get(1);
        this.credentialsFile = credentialsFile;
        this.gatewayPasswordFile = gatewayPasswordFile;
        this.jobPasswordFile = jobPasswordFile;
        this.handDevice = handDevice;
        this.officerPassword = officerPassword;
    }

    /**
     * Registers the simulator's {@code devices} (default simulator fleet plan), the hand-send device and, when the
     * demo plays an RFID scenario on {@code rfidSite} (null: none), that site's readers.
     */
    public static DemoAccess prepare(Path home, int devices, Site rfidSite) throws IOException {
        return prepare(home, devices, rfidSite, null);
    }

    /** As above, and the RFID scenario's trigger sensor ({@code rfidTrigger}, null: none) as one more device. */
    public static DemoAccess prepare(Path home, int devices, Site rfidSite, TriggerSensor rfidTrigger) throws IOException {
        Path secrets = home.resolve("secrets");
        Files.createDirectories(secrets);
        restrict(secrets, "rwx------");
        Path registryFile = home.resolve("devices.yaml");
        Path credentialsFile = secrets.resolve("devices.yaml");
        DeviceRegistry registry = DeviceRegistry.load(registryFile);
        Map<String, DeviceCredentials> known = Files.exists(credentialsFile)
                ? DeviceCredentials.read(credentialsFile) : Map.of();

        Map<String, RegisteredDevice> wanted = new LinkedHashMap<>();
        SimulatorConfig sim = SimulatorConfig.defaults().withDevices(devices);
        for (SimulatedDevice d : Fleet.plan(devices, sim.coapShare(), sim.deviceIdPrefix(),
                Scenarios.create(sim.scenario(), sim.seed(), sim.timeScale()))) {
            wanted.put(d.id(), new RegisteredDevice(d.id(), d.site(), d.zone(), null, "", "", Set.of(), false));
        }
        wanted.put(HAND_DEVICE, new RegisteredDevice(HAND_DEVICE, Reading.Defaults.SITE, Reading.Defaults.ZONE, null,
                "", "", Set.of(), false));
        if (rfidSite != null) {
            readerZones(rfidSite).forEach((reader, zone) -> wanted.put(reader,
                    new RegisteredDevice(reader, rfidSite.id(), zone, null, "", "", Set.of(), false)));
            if (rfidTrigger != null) {
                wanted.put(rfidTrigger.deviceId(), new RegisteredDevice(rfidTrigger.deviceId(), rfidSite.id(),
                        rfidTrigger.zone(), null, "", "", Set.of(rfidTrigger.metric()), false));
            }
        }

        Map<String, DeviceCredentials> credentials = new LinkedHashMap<>();
        List<RegisteredDevice> all = new ArrayList<>();
        for (RegisteredDevice existing : registry.devices()) {
            RegisteredDevice want = wanted.remove(existing.id());
            DeviceCredentials secret = known.get(existing.id());
            if (want == null) {
                all.add(existing); // the operator's own device: not the demo's business
            } else if (secret != null && !existing.revoked() && existing.zone().equals(want.zone())
                    && existing.site().equals(want.site()) && Secrets.matches(secret.mqttPassword(),
                    existing.mqttPasswordHash()) && existing.pskKey().equals(secret.pskKey())) {
                all.add(existing);
                credentials.put(existing.id(), secret);
            } else {
                all.add(keyed(want, credentials));
            }
        }
        wanted.values().forEach(want -> all.add(keyed(want, credentials)));
        registry = new DeviceRegistry(all, registry.ranges());
        registry.save(registryFile);
        DeviceCredentials.write(credentials, credentialsFile);

        String gatewayPassword = Secrets.newPassword();
        String jobPassword = Secrets.newPassword();
        String officerPassword = Secrets.newPassword();
        List<ServiceAccount> services = List.of(
                new ServiceAccount(GATEWAY_USER, Secrets.mosquittoHash(gatewayPassword), ServiceAccount.Role.GATEWAY),
                new ServiceAccount(JOB_USER, Secrets.mosquittoHash(jobPassword), ServiceAccount.Role.ALERT_PUBLISHER),
                new ServiceAccount(OFFICER_USER, Secrets.mosquittoHash(officerPassword),
                        ServiceAccount.Role.OFFICER_CONSOLE));
        List<Path> brokerFiles = MosquittoAccess.write(registry, services, secrets.resolve("mosquitto"));
        return new DemoAccess(registryFile, brokerFiles, credentialsFile,
                writeSecret(secrets.resolve("gateway.password"), gatewayPassword),
                writeSecret(secrets.resolve("job.password"), jobPassword),
                credentials.get(HAND_DEVICE), officerPassword, services);
    }

    /**
     * Rewrites the broker's password and ACL files from the registry as it is now (devices added or revoked with
     * {@code vigil devices} since the start), keeping the service accounts; returns how many devices it holds.
     */
    public int rewriteBrokerFiles() throws IOException {
        DeviceRegistry registry = DeviceRegistry.load(registryFile);
        List<Path> written = MosquittoAccess.write(registry, services, passwordFile.getParent());
        if (!written.equals(List.of(passwordFile, aclFile))) {
            throw new IllegalStateException("broker files moved: " + written);
        }
        return registry.devices().size();
    }

    /**
     * Each reader of the site with the zone of its first read point: read points are {@code reader#antenna}, and
     * the map holds them in no order, so "first" is the lowest key, which stays the same from run to run.
     */
    static Map<String, String> readerZones(Site site) {
        Map<String, String> zones = new TreeMap<>();
        new TreeMap<>(site.readPoints()).forEach((point, zone) ->
                zones.putIfAbsent(point.substring(0, point.lastIndexOf('#')), zone));
        return zones;
    }

    private static RegisteredDevice keyed(RegisteredDevice want, Map<String, DeviceCredentials> credentials) {
        String password = Secrets.newPassword();
        String psk = Secrets.newPskKey();
        credentials.put(want.id(), new DeviceCredentials(password, psk));
        return new RegisteredDevice(want.id(), want.site(), want.zone(), null, Secrets.mosquittoHash(password), psk,
                want.metrics(), false);
    }

    private static Path writeSecret(Path file, String secret) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n");
        return file;
    }

    private static void restrict(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // not a POSIX file system: the directory's own ACL applies
        }
    }
}

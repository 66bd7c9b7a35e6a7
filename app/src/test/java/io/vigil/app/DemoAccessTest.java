package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.sim.DeviceCredentials;
import io.vigil.sim.rfid.RfidScenario;
import io.vigil.sim.rfid.TriggerSensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's identities: with an RFID site its readers are registered devices with logins of their own. */
class DemoAccessTest {
    private static final Site SITE = SiteLoader.load(Path.of("..", "config", "site.yaml"));

    @TempDir
    Path home;

    @Test
    void theSitesReadersAreRegisteredInTheirFirstZoneWithCredentials() throws Exception {
        DemoAccess access = DemoAccess.prepare(home, 2, SITE);

        Map<String, RegisteredDevice> registered = DeviceRegistry.load(access.registryFile).devices().stream()
                .collect(Collectors.toMap(RegisteredDevice::id, Function.identity()));
        Map<String, DeviceCredentials> credentials = DeviceCredentials.read(access.credentialsFile);
        assertThat(registered).containsKeys("plaza-gate", "pump-house", "store", "muster", DemoAccess.HAND_DEVICE);
        assertThat(registered.get("plaza-gate").zone()).isEqualTo("plaza");
        assertThat(registered.get("store").zone()).isEqualTo("store");
        assertThat(registered.get("pump-house").zone()).isEqualTo("pump-room");
        assertThat(registered.get("muster").zone()).isEqualTo("assembly-a");
        for (String reader : new String[] {"plaza-gate", "pump-house", "store", "muster"}) {
            assertThat(registered.get(reader).site()).isEqualTo("harbour-plaza");
            assertThat(Secrets.matches(credentials.get(reader).mqttPassword(),
                    registered.get(reader).mqttPasswordHash())).as(reader).isTrue();
        }
        assertThat(Files.readString(access.aclFile)).contains("user store\n")
                .contains("topic write vigil/tagreads/store\n");
    }

    @Test
    void theEvacuationsSmokeDetectorIsADeviceAllowedOnlyItsMetric() throws Exception {
        TriggerSensor smoke = RfidScenario.named("evacuation", 42, SITE).trigger();
        DemoAccess access = DemoAccess.prepare(home, 2, SITE, smoke);

        RegisteredDevice device = DeviceRegistry.load(access.registryFile).devices().stream()
                .filter(d -> d.id().equals("smoke-pump-room")).findFirst().orElseThrow();
        assertThat(device.site()).isEqualTo("harbour-plaza");
        assertThat(device.zone()).isEqualTo("pump-room");
        assertThat(device.metrics()).containsExactly("smoke");
        assertThat(Secrets.matches(DeviceCredentials.read(access.credentialsFile).get("smoke-pump-room").mqttPassword(),
                device.mqttPasswordHash())).isTrue();
        assertThat(Files.readString(access.aclFile)).contains("topic write vigil/readings/smoke-pump-room\n");
    }

    @Test
    void withoutASiteNoReaderIsRegistered() throws Exception {
        DemoAccess access = DemoAccess.prepare(home, 2, null);

        assertThat(DeviceRegistry.load(access.registryFile).devices()).extracting(RegisteredDevice::id)
                .contains(DemoAccess.HAND_DEVICE).doesNotContain("plaza-gate", "store");
    }

    @Test
    void readersKeepTheirSecretsFromRunToRun() throws Exception {
        DemoAccess.prepare(home, 2, SITE);
        Map<String, DeviceCredentials> first = DeviceCredentials.read(home.resolve("secrets/devices.yaml"));
        DemoAccess.prepare(home, 2, SITE);
        Map<String, DeviceCredentials> second = DeviceCredentials.read(home.resolve("secrets/devices.yaml"));

        assertThat(second.get("plaza-gate").mqttPassword()).isEqualTo(first.get("plaza-gate").mqttPassword());
    }
}

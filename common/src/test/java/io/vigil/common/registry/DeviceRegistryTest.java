package io.vigil.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceRegistryTest {
    @TempDir
    Path dir;

    private static RegisteredDevice device(String id) {
        return new RegisteredDevice(id, "city", "riverside", null, Secrets.mosquittoHash("pw-" + id),
                Secrets.newPskKey(), Set.of(), false);
    }

    @Test
    void savesPrivatelyAndLoadsBackTheSame() throws Exception {
        DeviceRegistry registry = new DeviceRegistry(List.of(device("gauge-1"),
                new RegisteredDevice("gauge-2", "city", "harbour", "water", Secrets.mosquittoHash("x"),
                        Secrets.newPskKey(), Set.of("water_level"), true)),
                Map.of("water_level", new MetricRange(-5, 30)));
        Path file = dir.resolve("devices.yaml");
        registry.save(file);

        DeviceRegistry loaded = DeviceRegistry.load(file);

        assertThat(loaded.devices()).containsExactlyElementsOf(registry.devices());
        assertThat(loaded.range("water_level")).contains(new MetricRange(-5, 30));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void missingFileIsAnEmptyRegistry() throws Exception {
        assertThat(DeviceRegistry.load(dir.resolve("none.yaml")).devices()).isEmpty();
    }

    @Test
    void addAndRevoke() {
        DeviceRegistry r = DeviceRegistry.empty().with(device("a")).with(device("b")).revoke("a");
        assertThat(r.find("a")).hasValueSatisfying(d -> assertThat(d.revoked()).isTrue());
        assertThat(r.find("b")).hasValueSatisfying(d -> assertThat(d.revoked()).isFalse());
        assertThatThrownBy(() -> r.with(device("b"))).hasMessageContaining("already registered");
        assertThatThrownBy(() -> r.revoke("c")).hasMessageContaining("no device 'c'");
    }

    @Test
    void errorsNameFileLineAndField() throws Exception {
        String good = "    mqtt-password-hash: \"" + Secrets.mosquittoHash("p") + "\"\n    psk-key: \""
                + Secrets.newPskKey() + "\"\n";
        assertError("devices:\n  - id: a\n    zone: z\n" + good + "  - id: b\n    zone: z\n    status: maybe\n" + good,
                ":8: field 'status': must be 'enabled' or 'revoked'");
        assertError("devices:\n  - id: a\n" + good, ":2: field 'zone': is missing");
        assertError("devices:\n  - id: \"a/b\"\n    zone: z\n" + good, ":2: field 'id'");
        assertError("devices:\n  - id: a\n    zone: z\n    mqtt-password-hash: secret\n    psk-key: \"AAAA\"\n",
                ":4: field 'mqtt-password-hash'");
        assertError("devices:\n  - id: a\n    zone: z\n    colour: red\n" + good, ":4: field 'colour': unknown field");
        assertError("devices:\n  - id: a\n    zone: z\n" + good + "  - id: a\n    zone: z\n" + good,
                "registered twice");
        assertError("metrics:\n  level: {min: 3, max: 1}\n", ":2: field 'metrics.level'");
        assertError("devices: [\n", "not valid YAML");
    }

    private void assertError(String yaml, String expected) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, yaml);
        assertThatThrownBy(() -> DeviceRegistry.load(file)).isInstanceOf(RegistryException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(expected);
    }
}

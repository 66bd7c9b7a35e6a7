package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DevicesCommandTest {
    @TempDir
    Path dir;

    private String run(String... args) {
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = new CommandLine(new Vigil()).execute(args);
            return code + "\n" + bytes.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
    }

    @Test
    void addPrintsTheSecretOnceStoresOnlyItsHashListsAndRevokes() throws Exception {
        Path file = dir.resolve("devices.yaml");
        String added = run("devices", "add", "gauge-7", "--zone", "riverside", "--site", "north",
                "--metric", "water_level", "--registry", file.toString());
        assertThat(added).startsWith("0\n");
        Matcher m = Pattern.compile("password (\\S+)").matcher(added);
        assertThat(m.find()).isTrue();
        String password = m.group(1);

        String stored = Files.readString(file);
        assertThat(stored).doesNotContain(password);
        DeviceRegistry registry = DeviceRegistry.load(file);
        assertThat(registry.find("gauge-7")).hasValueSatisfying(d -> {
            assertThat(Secrets.matches(password, d.mqttPasswordHash())).isTrue();
            assertThat(d.zone()).isEqualTo("riverside");
            assertThat(d.site()).isEqualTo("north");
            assertThat(d.metrics()).containsExactly("water_level");
            // the printed hints use exactly these secrets: the key text is the DTLS PSK
            assertThat(added).contains("-u gauge-7 -P '" + password + "' -t vigil/readings/gauge-7")
                    .contains("coap-client-openssl -m post -t 50 -u gauge-7 -k '" + d.pskKey() + "'")
                    .contains("coaps://127.0.0.1:5684/readings/gauge-7");
        });

        assertThat(run("devices", "add", "gauge-7", "--zone", "x", "--registry", file.toString()))
                .startsWith("1\n").contains("already registered");
        assertThat(run("devices", "revoke", "gauge-7", "--registry", file.toString())).startsWith("0\n");
        assertThat(run("devices", "list", "--registry", file.toString()))
                .containsPattern("gauge-7\\s+revoked\\s+north\\s+riverside").doesNotContain(password);
    }

    @Test
    void aBrokenRegistryIsReportedWithFileAndLine() throws Exception {
        Path file = dir.resolve("devices.yaml");
        Files.writeString(file, "devices:\n  - id: a\n    zone: z\n    colour: red\n");
        assertThat(run("devices", "list", "--registry", file.toString()))
                .startsWith("1\n").contains(file + ":4: field 'colour': unknown field");
    }
}

package io.vigil.sim;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The secrets one simulated device logs in with, as {@code vigil devices add} printed them.
 *
 * @param mqttPassword its broker password (user name = device id), or null if it does not use MQTT
 * @param pskKey       its registry {@code psk-key} text, the DTLS PSK (identity = device id), or null if it does not
 *                     use CoAPS
 */
public record DeviceCredentials(String mqttPassword, String pskKey) {
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Reads a file of {@code deviceId: {mqttPassword: ..., pskKey: ...}} entries. */
    public static Map<String, DeviceCredentials> read(Path file) throws IOException {
        Map<String, DeviceCredentials> read = YAML.readValue(file.toFile(), new TypeReference<>() {});
        return read == null ? Map.of() : read;
    }

    /** Writes such a file readable by its owner only: it holds clear-text secrets. */
    public static void write(Map<String, DeviceCredentials> credentials, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, YAML.writeValueAsString(new TreeMap<>(credentials)));
    }

    @Override
    public String toString() {
        return "DeviceCredentials[mqttPassword=" + (mqttPassword == null ? "none" : "***") + ", pskKey="
                + (pskKey == null ? "none" : "***") + "]";
    }
}

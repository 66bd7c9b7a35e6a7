package io.vigil.app;

import io.vigil.common.rfid.TagPseudonyms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The gateway's key for person-tag pseudonyms, kept in a file as hex on its first line. Vigil ships no key: an
 * installation makes its own ({@link #create}); whoever holds the key can recompute pseudonyms from guessed tag ids.
 */
final class PseudonymKeyFile {
    private static final int NEW_KEY_BYTES = 32;

    private PseudonymKeyFile() {}

    static byte[] read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String hex = lines.isEmpty() ? "" : lines.get(0).strip();
        byte[] key;
        try {
            key = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ":1: pseudonym key: expected hex digits (" + e.getMessage() + ")");
        }
        if (key.length < TagPseudonyms.MIN_KEY_BYTES) {
            throw new IllegalArgumentException(file + ":1: pseudonym key: " + key.length + " bytes, at least "
                    + TagPseudonyms.MIN_KEY_BYTES + " needed");
        }
        return key;
    }

    /** Writes a new random key readable by the owner only, unless the file exists; returns the file. */
    static Path createIfMissing(Path file) throws IOException {
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] key = new byte[NEW_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}

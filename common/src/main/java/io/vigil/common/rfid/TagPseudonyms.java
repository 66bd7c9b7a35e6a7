package io.vigil.common.rfid;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces a person's tag id by a keyed hash before it leaves the gateway: {@code p-} + the first 16 bytes of
 * HMAC-SHA256(key, tag id) in hex. Stable for one key, so presence still follows the person; without the key the
 * pseudonym cannot be turned back into the tag id nor recomputed from a guessed one. 128 bits keep collisions out of
 * reach for any site's tag count. Thread-safe: each call gets its own {@link Mac}.
 */
public final class TagPseudonyms {
    public static final String PREFIX = "p-";
    static final int BYTES_KEPT = 16;
    /** Below this a key is guessable; 32 bytes match the hash. */
    public static final int MIN_KEY_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public TagPseudonyms(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("pseudonym key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    public String pseudonym(String tagId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] hash = mac.doFinal(tagId.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(hash, 0, BYTES_KEPT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }

    public static boolean isPseudonym(String tagId) {
        return tagId.startsWith(PREFIX);
    }

    @Override
    public String toString() {
        return "TagPseudonyms[key hidden]";
    }
}

package io.vigil.common.registry;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Device secrets: random MQTT passwords and PSKs, and password hashes in Mosquitto's {@code $7$} format
 * ({@code $7$iterations$base64(salt)$base64(PBKDF2-HMAC-SHA512)}, what {@code mosquitto_passwd} writes since 2.0),
 * so the registry's hash goes into the broker's password file unchanged.
 */
public final class Secrets {
    /** Mosquitto's own default is 101; the broker checks every CONNECT, so this stays moderate. */
    static final int ITERATIONS = 1000;
    private static final int SALT_BYTES = 12;
    private static final int HASH_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** A new MQTT password: 24 random bytes, URL-safe Base64 (32 characters, no padding). */
    public static String newPassword() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random(24));
    }

    /** A new 128-bit DTLS pre-shared key, Base64. */
    public static String newPskKey() {
        return Base64.getEncoder().encodeToString(random(16));
    }

    /**
     * The DTLS pre-shared key of a registry {@code psk-key}: the ASCII bytes of its Base64 text (24 bytes carrying
     * 128 random bits), not the decoded bytes, so command-line clients that take the key as text
     * ({@code coap-client -k}) can use it verbatim.
     */
    public static byte[] dtlsKey(String pskKey) {
        return pskKey.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static String mosquittoHash(String password) {
        byte[] salt = random(SALT_BYTES);
        return "$7$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** Whether a password matches a {@code $7$} hash; false for anything that is not such a hash. */
    public static boolean matches(String password, String hash) {
        String[] parts = hash == null ? new String[0] : hash.split("\\$");
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals("7")) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[2]);
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] expected = Base64.getDecoder().decode(parts[4]);
            return iterations > 0 && MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether a string has the shape of a {@code $7$} hash (registry validation). */
    public static boolean isMosquittoHash(String hash) {
        return hash != null && hash.matches("\\$7\\$[1-9][0-9]{0,8}\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+");
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA512", e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return b;
    }
}
